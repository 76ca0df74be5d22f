/**
 * README.md is the Marketplace page and the installed extension's details page. Its
 * pictures are absolute URLs of the repository's raw files (media/screenshots/ is kept
 * out of the .vsix), and each names a file that exists here; it opens with what the
 * extension does and a picture, before the set-up commands.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

const README = fs.readFileSync(path.join(repoRoot(), 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));

test('every image is an absolute raw URL of a file in this repository', () => {
  const repo = String(pkg.repository.url).replace(/^https:\/\/github\.com\//, '').replace(/\.git$/, '');
  const prefix = `https://raw.githubusercontent.com/${repo}/main/`;
  const images = [...README.matchAll(/!\[([^\]]*)\]\(([^)]+)\)/g)];
  assert.ok(images.length >= 3);
  for (const [, alt, url] of images) {
    assert.ok(url.startsWith(prefix), `${url} is absolute (${prefix}...)`);
    assert.ok(fs.existsSync(path.join(repoRoot(), url.slice(prefix.length))), `${url} names a file in the repository`);
    assert.ok(alt.length > 10, `${url} has alt text`);
  }
});

test('the page opens with what the extension does and a picture, then the set-up commands', () => {
  const firstImage = README.indexOf('![');
  const setUp = README.indexOf('## Set up');
  const firstCommand = README.indexOf('```sh');
  assert.ok(firstImage > 0 && setUp > firstImage && firstCommand > setUp, 'picture, then "Set up" with the commands');
});
