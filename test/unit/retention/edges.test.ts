import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eolOffsetMapper } from '../../../src/core/retention/eol';
import { classifyReflogLine } from '../../../src/core/retention/reflog';
import { tempDir } from '../helpers/events';

describe('retention: line-ending changes and git reflog', () => {
  it('maps offsets when a document switches LF to CRLF and back', () => {
    const lf = 'ab\ncde\n\nf';
    const crlf = lf.replace(/\n/g, '\r\n');
    const lengths = lf.split('\n').map((l) => l.length);
    const toCrlf = eolOffsetMapper(lengths, 1, 2);
    const toLf = eolOffsetMapper(lengths, 2, 1);
    for (let o = 0; o <= lf.length; o++) {
      const m = toCrlf(o);
      // The same character (or the same end) sits at the mapped offset.
      assert.equal(crlf.slice(m).replace(/\r\n/g, '\n'), lf.slice(o), `offset ${o}`);
      assert.equal(toLf(m), o);
    }
  });

  it('tells commits from other HEAD moves in a real repository reflog', () => {
    const { dir, cleanup } = tempDir();
    try {
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'pipe' });
      git('init', '-q', '-b', 'main');
      writeFileSync(path.join(dir, 'a.txt'), 'a\n');
      git('add', '.');
      git('commit', '-q', '-m', 'first');
      const last = () => readFileSync(path.join(dir, '.git/logs/HEAD'), 'utf8').trim().split('\n').at(-1)!;
      assert.equal(classifyReflogLine(last()), 'commit');
      git('checkout', '-q', '-b', 'topic');
      assert.equal(classifyReflogLine(last()), 'other');
      writeFileSync(path.join(dir, 'a.txt'), 'b\n');
      git('commit', '-q', '-am', 'second');
      assert.equal(classifyReflogLine(last()), 'commit');
      git('commit', '-q', '--amend', '-m', 'second, amended');
      assert.equal(classifyReflogLine(last()), 'commit');
      git('reset', '-q', '--hard', 'HEAD~1');
      assert.equal(classifyReflogLine(last()), 'other');
      assert.equal(classifyReflogLine('garbage'), null);
    } finally {
      cleanup();
    }
  });
});
