// Runs the Given/When/Then scenarios of ./features with Jest: each .feature file becomes a
// describe, each scenario (and each Examples row of an outline) a test. Parsing is Cucumber's
// own (@cucumber/gherkin); the steps are ./steps.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { describe, it } from '@jest/globals';
import { STEPS, type StepTable } from './steps.js';
import { World } from './world.js';

const FEATURES = new URL('./features/', import.meta.url).pathname;

for (const file of readdirSync(FEATURES).filter((name) => name.endsWith('.feature')).sort()) {
  const newId = IdGenerator.uuid();
  const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(join(FEATURES, file), 'utf8'));
  const pickles = compile(document, file, newId);
  describe(`${file}: ${document.feature?.name ?? ''}`, () => {
    for (const pickle of pickles) {
      it(pickle.name, async () => {
        const world = new World();
        try {
          for (const pickleStep of pickle.steps) {
            const matches = STEPS.map((definition) => ({ definition, match: definition.pattern.exec(pickleStep.text) })).filter((m) => m.match);
            if (matches.length !== 1) {
              throw new Error(`${file}: ${matches.length === 0 ? 'no step matches' : 'several steps match'} "${pickleStep.text}"`);
            }
            const { definition, match } = matches[0]!;
            const rows = pickleStep.argument?.dataTable?.rows.map((row) => row.cells.map((cell) => cell.value)) as StepTable | undefined;
            try {
              await definition.run(world, match!.slice(1), rows);
            } catch (error) {
              if (error instanceof Error) error.message = `step "${pickleStep.text}": ${error.message}`;
              throw error;
            }
          }
        } finally {
          await world.dispose();
        }
      });
    }
  });
}
