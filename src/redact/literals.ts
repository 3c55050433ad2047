// The learned values as the replacing passes look for them: one pattern of every value (for an
// identifier position) and one of those chased through running text, rebuilt only when something
// new was learned; and the leak check, which looks for the same values in a finished report.

import { SERVER_ERRORS } from '../kb/guide-codes.js';
import type { Learner } from './learn.js';
import { letters } from './letters.js';
import { escapeXml } from './mask.js';
import { type Literal, LONG_RUN } from './patterns.js';
import {
  type IdentifierKind,
  isGuidLike,
  isHexId,
  lookupKey,
  type Pseudonym,
  type PseudonymTable,
} from './pseudonyms.js';
import { ORDINARY_WORDS } from './vocabulary.js';
import { mapXml } from './xml.js';

export interface Literals {
  all?: Literal;
  running?: Literal;
}

const LABELS = /(?:<|&lt;)[a-z]+(?:-[a-z]+)*-\d+(?:>|&gt;)(?:\.[A-Za-z0-9-]+)*|\buser\d+\b/g;
/**
 * The words the knowledge base reads in server replies: error codes (DirectoryError) and the words
 * of the messages it recognises ("public key"). A value made of them is never chased through text.
 */
let kbWords: Set<string> | undefined;
function knowledgeWords(): Set<string> {
  if (!kbWords) {
    kbWords = new Set();
    for (const e of SERVER_ERRORS) {
      kbWords.add(e.code.toLowerCase());
      for (const w of e.messagePattern?.source.match(/[A-Za-z]{2,}/g) ?? []) kbWords.add(w.toLowerCase());
    }
  }
  return kbWords;
}

const WORD_CHAR = letters('[\\p{L}\\p{N}]', 'u');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a word could be a user name that the literal pass should chase through free text. */
function distinctiveUser(v: string): boolean {
  return v.length >= 4 && (/[\d_.-]/.test(v) || /[a-z][A-Z]|[A-Z]{2}[a-z]/.test(v) || /[^\x00-\x7f]/.test(v));
}

export interface LiteralCache {
  /** The patterns as they stand now. */
  literals(): Literals;
  /** A value made of words only, each a state or an ordinary word of the inputs or the tool. */
  ordinary(v: string): boolean;
}

export function createLiterals(table: PseudonymTable, learner: Learner): LiteralCache {
  const cache: { revision: number; words: number; all?: Literal; running?: Literal } = {
    revision: -1,
    words: -1,
  };

  /** A value made of words only, each a state or an ordinary word of the inputs or the tool. */
  function ordinary(v: string): boolean {
    if (/[^A-Za-z \-']/.test(v)) return false;
    const words = v
      .toLowerCase()
      .split(/[ \-']+/)
      .filter(Boolean);
    const kb = knowledgeWords();
    return words.length > 0 && words.every((w) => ORDINARY_WORDS.has(w) || learner.words.has(w) || kb.has(w));
  }

  /** Whether a learned value is chased through running text (and checked for by `leaks`). */
  function chased(p: Pseudonym): boolean {
    const v = p.original;
    if (v.length < 3 || v.length >= LONG_RUN || isGuidLike(v) || isHexId(v)) return false;
    if (p.kind === 'user' && !distinctiveUser(v)) return false;
    return !ordinary(v);
  }

  /** The learned values to look for: every one (`all`), or those chased through running text. */
  function literals(): Literals {
    if (cache.revision === table.revision && cache.words === learner.words.size) return cache;
    const build = (keep: (p: Pseudonym) => boolean): Literal | undefined => {
      const labels = new Map<string, string>();
      const values: string[] = [];
      for (const p of table.entries()) {
        const v = p.original;
        if (v.length < 2 || v.length >= LONG_RUN || isGuidLike(v) || isHexId(v) || !keep(p)) continue;
        // The XML-escaped form too (a tenant named "Smith & Co" reads "Smith &amp; Co" in an export).
        for (const form of new Set([v, escapeXml(v)])) {
          const key = form.toLowerCase();
          if (labels.has(key)) continue;
          labels.set(key, p.label);
          values.push(form);
        }
      }
      if (values.length === 0) return undefined;
      values.sort((a, b) => b.length - a.length);
      // Not the kept suffix of a pseudonym (<domain-1>.local), whatever was learned.
      const re = letters(
        `(?<![\\p{L}\\p{N}])(?<!\\uE001\\.)(?:${values.map(escapeRe).join('|')})(?![\\p{L}\\p{N}])`,
        'giu',
      );
      return { re, labels };
    };
    cache.all = build(() => true);
    cache.running = build(chased);
    cache.revision = table.revision;
    cache.words = learner.words.size;
    return cache;
  }

  return { literals, ordinary };
}

/** How many distinct values of each kind were replaced. */
export function countKinds(table: PseudonymTable): Partial<Record<IdentifierKind, number>> {
  const out: Partial<Record<IdentifierKind, number>> = {};
  const seen = new Set<string>();
  for (const p of table.entries()) {
    if (seen.has(p.label)) continue;
    seen.add(p.label);
    if (/^<[a-z-]+-\d+>\./.test(p.label)) continue;
    out[p.kind] = (out[p.kind] ?? 0) + 1;
  }
  return out;
}

/** Learned values (3 characters or more) that still occur in a text as whole words. */
export function findLeaks(
  table: PseudonymTable,
  ordinary: (v: string) => boolean,
  t: string,
  format: 'text' | 'xml' = 'text',
): string[] {
  const found: string[] = [];
  let values = t;
  if (format === 'xml') {
    const parts: string[] = [];
    mapXml(t, (v) => {
      parts.push(v);
      return v;
    });
    values = parts.join('\n');
  }
  // The pseudonyms themselves (<computer-1>, user2) name no one, whatever a value is called.
  const lower = values.replace(LABELS, ' ').toLowerCase();
  for (const p of table.entries()) {
    const v = p.original;
    if (v.length < 3 || (p.kind === 'user' && !distinctiveUser(v)) || ordinary(v)) continue;
    const needle = isGuidLike(v) ? lookupKey(v) : v.toLowerCase();
    let i = lower.indexOf(needle);
    while (i >= 0) {
      const before = lower[i - 1] ?? ' ';
      const after = lower[i + needle.length] ?? ' ';
      const word = WORD_CHAR.of(before + after);
      if (!word.test(before) && !word.test(after)) {
        found.push(v);
        break;
      }
      i = lower.indexOf(needle, i + 1);
    }
  }
  return found;
}
