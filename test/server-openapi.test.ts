// GET /api/v1/openapi.json: an OpenAPI 3.1 document whose every path the server routes, whose every
// reference resolves, and whose schemas the server's real answers satisfy; the device's diagnosis
// satisfies the contract's diagnosis.schema.json.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI } from '../src/server/openapi.js';
import { contract } from './schema.js';
import { freshDb, type Running, startFleet } from './server-helpers.js';

const addFormats = (formats as unknown as { default: (ajv: Ajv2020) => void }).default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(JSON.parse(JSON.stringify(OPENAPI)), 'openapi');
const check = (schema: string, value: unknown) => {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  return validate(value) ? '' : ajv.errorsText(validate.errors);
};
const errorSchema = ajv.compile(OPENAPI.components.responses.Error.content['application/json'].schema);

describe('the OpenAPI document', () => {
  let s: Running;
  let cleanup: () => void;
  let doc: typeof OPENAPI;
  beforeAll(async () => {
    const d = await freshDb('embedded');
    cleanup = d.cleanup;
    s = await startFleet(await d.open());
    doc = (await (await fetch(`${s.url}/api/v1/openapi.json`)).json()) as typeof OPENAPI;
  }, 120_000);
  afterAll(async () => {
    await s.stop();
    cleanup();
  });

  it('is OpenAPI 3.1 with an answer for every operation and every reference resolved', () => {
    expect(doc.openapi).toBe('3.1.0');
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], doc);
      expect(target, ref).toBeDefined();
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { responses: object }>)) {
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  it('names every route the server has, and the server routes every path it names', async () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const r = await s.admin(path.replace('{key}', 'no-such-device'), {
          method: method.toUpperCase(),
          ...(method === 'post' ? { body: 'x' } : {}),
        });
        const body = await r.text();
        expect(body, `${method} ${path}`).not.toMatch(/no such (API|page)/);
        expect(r.status, `${method} ${path}`).not.toBe(405);
      }
    }
    const unknown = await s.admin('/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
  });

  it('describes what the server answers', async () => {
    const capture = readFileSync('examples/dsregcmd/join-fail-device-not-synced.txt');
    const answer = await (await s.checkin(capture, 'text/plain')).json();
    expect(check('CheckinAnswer', answer)).toBe('');
    expect(check('Summary', await (await s.admin('/api/v1/summary')).json())).toBe('');
    const list = (await (await s.admin('/api/v1/devices')).json()) as { devices: unknown[] };
    for (const row of list.devices) expect(check('DeviceRow', row)).toBe('');
    const device = (await (
      await s.admin(`/api/v1/devices/${encodeURIComponent((answer as { device: string }).device)}`)
    ).json()) as {
      diagnosis: unknown;
    };
    expect(check('Device', device)).toBe('');
    expect(contract('diagnosis')(device.diagnosis)).toBe('');
    const refused = await (await s.checkin('not a capture', 'text/plain')).json();
    expect(errorSchema(refused)).toBe(true);
  });
});
