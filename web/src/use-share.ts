// Sharing: the Markdown report copied, the HTML report downloaded, redacted unless asked otherwise.
import { useState } from 'preact/hooks';
import type { Source } from './inputs.js';
import { buildReport, copyText, downloadText, type ReportFile, type ReportFormat } from './report.js';
import { pageCodeNames } from './use-analysis.js';

export function useShare(sources: readonly Source[], leftOut: readonly ReportFile[]) {
  const [redact, setRedact] = useState(true);
  const [shareStatus, setShareStatus] = useState('');

  const share = async (format: ReportFormat) => {
    setShareStatus(format === 'md' ? 'Writing the Markdown…' : 'Writing the HTML report…');
    try {
      const report = await buildReport(
        sources.filter((s) => !s.error).map((s) => ({ name: s.name, bytes: s.bytes })),
        [...leftOut],
        format,
        redact,
        // Codes outside the guide named from the Windows headers, as the CLI's reports name them.
        pageCodeNames(),
      );
      const how = redact ? 'identifiers replaced' : 'identifiers NOT replaced';
      if (format === 'md') {
        await copyText(report);
        setShareStatus(`Copied the Markdown report (${how}).`);
      } else {
        downloadText(report, 'dsreg-doctor-report.html', 'text/html;charset=utf-8');
        setShareStatus(`Saved dsreg-doctor-report.html (${how}).`);
      }
    } catch (err) {
      setShareStatus(
        `Not ${format === 'md' ? 'copied' : 'saved'}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };

  return { redact, setRedact, shareStatus, share };
}
