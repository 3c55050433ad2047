// The README shows real output: each `$ npx dsreg-doctor ...` block must match what the CLI prints.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/```text\n\$ npx dsreg-doctor (.+)\n([\s\S]*?)```/g)];

describe('README examples', () => {
  it('has at least one example', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });
  for (const [, command, expected] of blocks) {
    it(command!, async () => {
      let out = '';
      const io = {
        ...nodeIO(),
        isTTY: false,
        columns: 80,
        env: {},
        stdout: (t: string) => {
          out += t;
        },
        stderr: () => {},
      };
      await main(command!.split(' '), io);
      expect(out).toBe(expected);
    });
  }
});
