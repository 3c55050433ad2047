// JSON Schema validation of outputs against ../shared/contract (the shapes scripts rely on).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as formats from 'ajv-formats';

const addFormats = (formats as unknown as { default: (ajv: Ajv2020) => void }).default;

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

/** A validator for a contract file: returns '' when valid, else the errors as text. */
export function contract(name: 'diagnosis' | 'event' | 'lookup'): (value: unknown) => string {
  const schema = JSON.parse(readFileSync(`../shared/contract/${name}.schema.json`, 'utf8'));
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? '' : ajv.errorsText(validate.errors));
}
