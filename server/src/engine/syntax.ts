/**
 * dockerfile-utils' syntax checks, run on a tree lint already parsed.
 *
 * validate() takes only text and parses it again; parsing is about half of what a
 * full check costs. For the length of one synchronous validate() call, a parse of
 * exactly this text returns the given tree (both sides only read it); any other
 * parse, and every parse outside the call, is untouched.
 */
import { DockerfileParser, Dockerfile } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import type { Diagnostic } from 'vscode-languageserver-types';
import './parserGuards';

const parser = DockerfileParser as { parse(content: string): Dockerfile };

export function validateSyntax(text: string, parsed?: Dockerfile): Diagnostic[] {
  if (!parsed) return validate(text);
  const original = parser.parse;
  parser.parse = (content: string) => (content === text ? parsed : original(content));
  try {
    return validate(text);
  } finally {
    parser.parse = original;
  }
}
