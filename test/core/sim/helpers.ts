// Parses small C snippets we write ourselves into simulator bodies (document line = text line).
import { createCSyntax } from '../../../src/core/syntax';
import type { CSyntax } from '../../../src/core/syntax/types';
import type { Body } from '../../../src/core/sim/interp';
import { loadAssets } from '../../helpers/assets';

let syntax: Promise<CSyntax> | undefined;

export function getSyntax(): Promise<CSyntax> {
  return (syntax ??= createCSyntax(loadAssets()));
}

export async function bodiesOf(src: string): Promise<Map<string, Body>> {
  const parsed = (await getSyntax()).parse(src);
  return new Map(parsed.functions.map((fn) => [fn.name, { fn, docLine: (n: number) => n }]));
}
