// RFC 4180 CSV: a field with a comma, quote or line break is quoted, quotes doubled. A field that a
// spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote mark.
export function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}
