// The project file search, by cosmiconfig. Its own module, imported only when some project file
// exists above the working directory (config-files.ts), so that cosmiconfig (and the JSON, YAML
// and TypeScript loaders it imports) stays out of every other start.
import { dirname, sep } from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import { SEARCH_PLACES } from './config-files.js';

/**
 * The project file that applies from `cwd`, found by cosmiconfig (which reads only the first it
 * finds, with its own loaders: the text is read again by the pipeline, a few hundred bytes).
 * Its global strategy ends in the OS config directory: that is the user file, already read;
 * only files in the working directory or above it are project files.
 */
export async function findProjectFile(cwd: string, home: string, userPath: string): Promise<string | undefined> {
  const explorer = cosmiconfig('devsynth', {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'global',
    stopDir: home,
    cache: false,
    // The search only needs a path: whether the file parses is the pipeline's to report.
    loaders: { '.yml': () => ({}), '.yaml': () => ({}), noExt: () => ({}) },
  });
  const found = await explorer.search(cwd);
  const foundDir = found ? dirname(found.filepath) : undefined;
  return found && foundDir && (cwd === foundDir || cwd.startsWith(foundDir + sep)) && found.filepath !== userPath ? found.filepath : undefined;
}
