/** The delimiters a contacts file may use: spreadsheets in many locales save CSV with `;`. */
const CANDIDATES = [',', ';', '\t'] as const;

/**
 * The delimiter of a file, read from its header line: the candidate that appears most often
 * outside quotes (a comma by default). Headers are names, rarely quoted, never empty.
 */
export function detectDelimiter(head: string): string {
  const counts = new Map<string, number>(CANDIDATES.map((candidate) => [candidate, 0]));
  let quoted = false;
  for (const char of head) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: string = ',';
  for (const [candidate, count] of counts) if (count > (counts.get(best) ?? 0)) best = candidate;
  return best;
}
