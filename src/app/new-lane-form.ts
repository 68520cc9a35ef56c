import { editField, insertText, textField } from '../core/form.js';
import type { KeyEvent } from '../core/input.js';
import { validateLaneName } from '../core/names.js';
import type { Controller } from './controller.js';
import { COMMAND_CHOICE, formFields, notify, type NewLaneForm } from './store.js';

/** Open the `n` dialog with the configured presets (default first) and a free command. */
export const openNewLaneForm = (controller: Controller): void => {
  const { config } = controller.deps;
  const presets = Object.keys(config.agents);
  const choices = [config.defaultAgent, ...presets.filter((p) => p !== config.defaultAgent), COMMAND_CHOICE];
  const form: NewLaneForm = {
    kind: 'new-lane',
    field: 0,
    name: textField(),
    choice: 0,
    choices,
    command: textField(),
    prompt: textField(),
    error: undefined,
    isBusy: false,
  };
  controller.store.setState({ overlay: form });
};

const current = (controller: Controller): NewLaneForm | undefined => {
  const { overlay } = controller.store.getState();
  return overlay?.kind === 'new-lane' ? overlay : undefined;
};

const update = (controller: Controller, patch: Partial<NewLaneForm>): void => {
  const form = current(controller);
  if (form) controller.store.setState({ overlay: { ...form, ...patch } });
};

export const handleFormPaste = (controller: Controller, text: string): void => {
  const form = current(controller);
  if (!form || form.isBusy) return;
  const field = formFields(form)[form.field];
  if (field === 'name' || field === 'command' || field === 'prompt') {
    const edited = insertText(form[field], text);
    update(controller, { [field]: edited, error: field === 'name' && edited.value !== '' ? validateLaneName(edited.value) : undefined });
  }
};

/** One key in the form: edit the active field, move between fields, submit or cancel. */
export const handleFormKey = (controller: Controller, key: KeyEvent): void => {
  const form = current(controller);
  if (!form) return;
  if (key.name === 'escape') {
    controller.store.setState({ overlay: undefined });
    return;
  }
  if (form.isBusy) return;
  const fields = formFields(form);
  const active = fields[form.field];
  if (key.name === 'enter') {
    void submit(controller);
    return;
  }
  if (key.name === 'tab' || key.name === 'down' || key.name === 'up') {
    const step = (key.name === 'tab' && key.shift) || key.name === 'up' ? -1 : 1;
    update(controller, { field: (form.field + step + fields.length) % fields.length });
    return;
  }
  if (active === 'agent') {
    if (key.name === 'left' || key.name === 'right' || key.name === 'space') {
      const step = key.name === 'left' ? -1 : 1;
      update(controller, { choice: (form.choice + step + form.choices.length) % form.choices.length, error: undefined });
    }
    return;
  }
  if (active === 'name' || active === 'command' || active === 'prompt') {
    const edited = editField(form[active], key);
    if (edited) {
      const error = active === 'name' && edited.value !== '' ? validateLaneName(edited.value) : undefined;
      update(controller, { [active]: edited, error });
    }
  }
};

const submit = async (controller: Controller): Promise<void> => {
  const form = current(controller);
  if (!form) return;
  const name = form.name.value.trim();
  const problem = name === '' ? 'type a lane name' : validateLaneName(name);
  if (problem) {
    update(controller, { error: problem, field: 0 });
    return;
  }
  const choice = form.choices[form.choice] ?? COMMAND_CHOICE;
  const isCommand = choice === COMMAND_CHOICE;
  if (isCommand && form.command.value.trim() === '') {
    update(controller, { error: 'type the command to run', field: formFields(form).indexOf('command') });
    return;
  }
  update(controller, { isBusy: true, error: undefined });
  const prompt = form.prompt.value.trim();
  try {
    const { warnings } = await controller.deps.newLane({
      name,
      ...(isCommand ? { cmd: form.command.value.trim() } : { agent: choice }),
      ...(prompt ? { prompt } : {}),
    });
    controller.store.setState({ overlay: undefined });
    await controller.sync();
    const index = controller.store.getState().lanes.findIndex((l) => l.name === name);
    if (index >= 0) controller.store.setState({ focus: index });
    notify(controller.store, warnings.length > 0 ? `lane ${name} created; ${warnings.join('; ')}` : `lane ${name} created`, warnings.length > 0 ? 'warning' : 'info');
  } catch (error) {
    const message = error instanceof Error ? ((error as { line?: string }).line ?? error.message) : String(error);
    update(controller, { isBusy: false, error: message });
  }
};
