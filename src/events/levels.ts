// Event levels: Windows stores a number (1 critical, 2 error, 3 warning, 4 information, 5 verbose;
// 0 "log always" shows as information). Exports made for people (Event Viewer CSV, LevelDisplayName)
// carry the name instead, in the language of the machine that exported them.

// Built on the first look-up: an .evtx carries numbers, and its reading never needs the names.
let NAMES: Record<string, number> | undefined;

/** The level of each name, in lower case. */
function levelNames(): Record<string, number> {
  const names: Record<string, number> = {};
  const add = (level: number, ...words: string[]): void => {
    for (const n of words) names[n.toLowerCase()] = level;
  };
  add(1, 'critical', 'crit', 'kritisch', 'critique', 'crítico', 'critico', 'kritiek', 'kritik', 'krytyczny');
  add(
    2,
    'error',
    'err',
    'fehler',
    'erreur',
    'errore',
    'fout',
    'hata',
    'błąd',
    'erro',
    'ошибка',
    'エラー',
    '错误',
    '오류',
  );
  add(
    3,
    'warning',
    'warn',
    'warnung',
    'avertissement',
    'advertencia',
    'avviso',
    'aviso',
    'waarschuwing',
    'uyarı',
    'ostrzeżenie',
    'предупреждение',
    '警告',
    '경고',
  );
  add(
    4,
    'information',
    'informational',
    'info',
    'informationen',
    'informations',
    'información',
    'informazioni',
    'informações',
    'informatie',
    'bilgi',
    'informacje',
    'сведения',
    '情報',
    '信息',
    '정보',
  );
  add(
    5,
    'verbose',
    'ausführlich',
    'détaillé',
    'detallado',
    'dettagliato',
    'detalhado',
    'uitgebreid',
    'ayrıntılı',
  );
  // The Security log shows audit results where other logs show a level; their level is 0.
  add(
    0,
    'logalways',
    'audit success',
    'audit failure',
    'überwachung erfolgreich',
    'überwachungsfehler',
    'succès de l’audit',
    "succès de l'audit",
    'échec de l’audit',
    "échec de l'audit",
  );
  return names;
}

/** The level number for a level name in one of the languages above, or undefined. */
export function levelFromName(name: string): number | undefined {
  NAMES ??= levelNames();
  return NAMES[name.trim().toLowerCase()];
}

const LABELS = ['Info', 'Crit', 'Error', 'Warn', 'Info', 'Verb'];

/** A short label for the events table. */
export function levelLabel(level: number): string {
  return LABELS[level] ?? `L${level}`;
}
