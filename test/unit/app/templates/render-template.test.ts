// Template rendering: -p parsing, the variables a text uses, one-pass filling, and the prompt
// around the input (or the input after it).
import { describe, expect, it } from '@jest/globals';
import { fillVariables, missingVariables, parseParams, renderPrompt, variablesOf } from '../../../../src/app/templates/render-template.js';
import { UsageError } from '../../../../src/core/index.js';

describe('parseParams', () => {
  it('splits at the first "=", keeps the rest (even empty, even "=") and lets a later value win', () => {
    expect(Object.fromEntries(parseParams(['lang=Go', 'expr=a=b', 'empty=', 'lang=Rust']))).toEqual({ lang: 'Rust', expr: 'a=b', empty: '' });
  });

  it('refuses a value without a name', () => {
    for (const bad of ['lang', '=x', '1x=y', 'a b=c']) expect(() => parseParams([bad])).toThrow(UsageError);
  });
});

describe('variables', () => {
  it('finds {{name}} and {{ name }} once each, in order of first use', () => {
    expect(variablesOf('{{b}} {{ a }} {{b}} {{input}} {{ not valid }} {x}')).toEqual(['b', 'a', 'input']);
  });

  it('fills in one pass: a value holding {{x}} stays as it is', () => {
    expect(fillVariables('{{a}} and {{b}}', new Map([['a', '{{b}}'], ['b', 'B']]))).toBe('{{b}} and B');
  });

  it('missingVariables names those no value is given for, across texts', () => {
    expect(missingVariables(['{{a}} {{b}}', undefined, '{{c}} {{a}}'], new Map([['b', '']]))).toEqual(['a', 'c']);
  });
});

describe('renderPrompt', () => {
  const values = new Map([['lang', 'French']]);

  it('puts the input in its {{input}} place', () => {
    expect(renderPrompt('Into {{lang}}:\n\n{{input}}\n', 'hello', values)).toBe('Into French:\n\nhello');
  });

  it('adds the input after a blank line when the prompt has no {{input}}', () => {
    expect(renderPrompt('Into {{lang}}:\n', 'hello', values)).toBe('Into French:\n\nhello');
    expect(renderPrompt('Tell a joke about {{lang}}', '', values)).toBe('Tell a joke about French');
  });
});
