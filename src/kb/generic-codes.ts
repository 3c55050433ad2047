// The Windows headers' names as loadCodeNames (names.ts) gets them: from the generated module,
// which the page and the library import as a chunk of its own. In the bin's bundles this module is
// replaced by one that reads the same table packed as bytes (src/kb/code-table.ts) from a file
// beside them (scripts/build.mjs, codesAsData).
import { GENERIC_BLOCKS } from './generated/generic-codes.js';
import { type CodeNames, packedCodeNames } from './names.js';

export function genericNames(): CodeNames {
  return packedCodeNames(GENERIC_BLOCKS);
}
