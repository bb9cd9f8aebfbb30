// `devsynth-or templates list|show|path|edit`: the chat templates (app/templates/), and the
// hidden `__templates` that the completion scripts ask for names.
import { Command } from 'commander';
import type { Runtime } from '../../app/runtime.js';
import { renderTable } from '../../ui/render-table.js';
import { terminalSafe } from '../../ui/terminal-safe.js';

/** The template files' module (and the YAML parser under it), loaded when a subcommand runs. */
const templateFiles = () => import('../../app/templates/template-files.js');

/** `--json` given to the subcommand or to `templates` itself (commander gives it to the parent). */
const wantsJson = (self: Command) => Boolean(self.optsWithGlobals<{ json?: boolean }>().json);

export function templatesCommand(runtime: () => Runtime): Command {
  const command = new Command('templates')
    .description('chat templates: a system prompt, a prompt with {{variables}} and settings, used with chat --template')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Templates are YAML files NAME.yml in .devsynth/templates/ (this folder or any above it) or in
$XDG_CONFIG_HOME/devsynth/templates/; a project's template wins over the user's of the same name.

Examples:
  devsynth-or templates edit review
  git diff | devsynth-or chat --template review -p focus=security
  devsynth-or templates list`,
    );

  command
    .command('list', { isDefault: true })
    .description('the templates, where each is, and what it is for')
    .option('--json', 'print JSON')
    .action(async (_flags: unknown, self: Command) => {
      const { listTemplates, readTemplateFile } = await templateFiles();
      const rt = runtime();
      const rows = listTemplates(rt.io).map((template) => {
        try {
          return { ...template, description: readTemplateFile(template.path).description ?? '' };
        } catch (error) {
          rt.warn(`${(error as Error).message.split('\n').slice(0, 2).join(' ')}`);
          return { ...template, description: '', problem: (error as Error).message };
        }
      });
      if (wantsJson(self)) {
        rt.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        rt.io.stderr.write('devsynth-or: no templates yet; create one with devsynth-or templates edit NAME\n');
        return;
      }
      const tty = Boolean(rt.io.stdout.isTTY);
      rt.io.stdout.write(renderTable(rows.map((row) => [row.name, row.scope, row.path, row.description]), { tty, header: ['name', 'scope', 'file', 'description'] }));
    });

  command
    .command('show')
    .description("print a template's file")
    .argument('<name>', 'template name')
    .action(async (name: string) => {
      const [{ MAX_TEMPLATE_BYTES, requireTemplate }, { readConfigFile }] = await Promise.all([templateFiles(), import('../../config/read-config-file.js')]);
      const rt = runtime();
      const text = readConfigFile(requireTemplate(rt.io, name).path, MAX_TEMPLATE_BYTES);
      // A project's template came with the project: to a terminal it is shown, never obeyed.
      rt.io.stdout.write(rt.io.stdout.isTTY ? terminalSafe(text) : text);
    });

  command
    .command('path')
    .description("the template folders searched (nearest first), or one template's file")
    .argument('[name]', 'template name')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, _flags: unknown, self: Command) => {
      const { requireTemplate, templateDirs } = await templateFiles();
      const rt = runtime();
      const paths = name !== undefined ? [requireTemplate(rt.io, name).path] : templateDirs(rt.io).map((dir) => dir.path);
      rt.io.stdout.write(wantsJson(self) ? `${JSON.stringify(name !== undefined ? paths[0] : paths)}\n` : `${paths.map(terminalSafe).join('\n')}\n`);
    });

  command
    .command('edit')
    .description("open a template in $VISUAL/$EDITOR (a new one starts from a commented skeleton); it is checked afterwards")
    .argument('<name>', 'template name')
    .action(async (name: string) => {
      const rt = runtime();
      const { editTemplate } = await import('../../app/templates/edit-template.js');
      const file = await editTemplate(rt, name);
      if (!rt.quiet) rt.io.stderr.write(`devsynth-or: template ${name} ${file.created ? 'created' : 'checked'}: ${terminalSafe(file.path)}\n`);
    });
  return command;
}

/** Hidden: the template names, one per line, for the completion scripts. */
export function templateNamesCommand(runtime: () => Runtime): Command {
  return new Command('__templates').action(async () => {
    const { listTemplates } = await templateFiles();
    const rt = runtime();
    const names = listTemplates(rt.io).map((template) => template.name);
    if (names.length) rt.io.stdout.write(`${names.join('\n')}\n`);
  });
}
