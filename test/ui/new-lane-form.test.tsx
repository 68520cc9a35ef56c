import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_CHOICE, type NewLaneForm as FormState } from '../../src/app/store.js';
import { textField } from '../../src/core/form.js';
import { NewLaneForm } from '../../src/ui/NewLaneForm.js';
import { makeAppStore, renderWithStore, type Rendered } from '../helpers/ui-render.js';

let rendered: Rendered | undefined;

afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

const form = (patch: Partial<FormState> = {}): FormState => ({
  kind: 'new-lane',
  field: 0,
  name: textField(),
  choice: 0,
  choices: ['shell', 'claude', 'codex', COMMAND_CHOICE],
  command: textField(),
  prompt: textField(),
  error: undefined,
  isBusy: false,
  ...patch,
});

const formText = (state: FormState): string => {
  rendered = renderWithStore(makeAppStore({ state: { overlay: state } }), <NewLaneForm width={100} height={29} />);
  return rendered.text();
};

/** The label of the free command field (not the `command…` agent choice). */
const COMMAND_LABEL = /[› ] command(?!…)/;

describe('NewLaneForm', () => {
  it('shows the title, the name, agent and prompt fields, and the agent choices', () => {
    const text = formText(form({ name: textField('fix-login'), prompt: textField('make the tests pass') }));
    expect(text).toContain('New lane');
    expect(text).toMatch(/› name +fix-login/);
    expect(text).toMatch(/ agent +shell +claude +codex +command…/);
    expect(text).toMatch(/ prompt +make the tests pass/);
    expect(text).toContain('Enter create · Esc cancel');
  });

  it('shows the command field only while the command… choice is selected', () => {
    expect(formText(form({ choice: 1 }))).not.toMatch(COMMAND_LABEL);
    rendered?.unmount();
    const text = formText(form({ choice: 3, field: 2, command: textField('node agent.js') }));
    expect(text).toMatch(/› command +node agent\.js/);
  });

  it('marks the active field', () => {
    const text = formText(form({ field: 2, prompt: textField('hello') }));
    expect(text).toMatch(/› prompt +hello/);
    expect(text).not.toMatch(/› name/);
  });

  it('shows the error line instead of the hint', () => {
    const text = formText(form({ name: textField('a$'), error: "'$' is not allowed: use lowercase letters, digits, '.', '_' and '-'" }));
    expect(text).toContain("'$' is not allowed");
    expect(text).not.toContain('Enter create');
  });

  it('says it is working while the lane is created', () => {
    expect(formText(form({ name: textField('alpha'), isBusy: true }))).toContain('creating the lane…');
  });

  it('renders nothing while another overlay is open', () => {
    rendered = renderWithStore(makeAppStore({ state: { overlay: { kind: 'help' } } }), <NewLaneForm width={100} height={29} />);
    expect(rendered.text().trim()).toBe('');
  });
});
