// The fleet API (../shared/contract/fleet-api.md) as an OpenAPI 3.1 document, served at
// GET /api/v1/openapi.json. Written once, here; a test validates it and holds the routes to it.
const error = { $ref: '#/components/responses/Error' };
const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const count = { type: 'integer', minimum: 0 };
const countMap = { type: 'object', additionalProperties: count };
const filters = [
  { name: 'verdict', in: 'query', schema: { enum: ['healthy', 'warning', 'failed', 'unknown'] } },
  {
    name: 'phase',
    in: 'query',
    schema: { enum: ['precheck', 'discover', 'auth', 'join', 'post-join', 'none'] },
  },
  {
    name: 'joinType',
    in: 'query',
    schema: {
      enum: ['hybrid', 'entra-joined', 'domain-joined', 'entra-registered', 'not-joined', 'unknown'],
    },
  },
  { name: 'code', in: 'query', schema: { type: 'string', pattern: '^0[xX][0-9a-fA-F]{1,8}$' } },
  { name: 'q', in: 'query', description: 'start of the device name, or the DeviceId', schema: str },
];

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'dsreg-doctor fleet server',
    version: '1',
    description:
      'Devices check in with `dsregcmd /status` and event logs; the server diagnoses each check-in ' +
      'and keeps every device’s latest diagnosis and history. Every error is {"error": "<one line>"}.',
  },
  servers: [{ url: '/' }],
  security: [{ admin: [] }],
  paths: {
    '/healthz': {
      get: {
        summary: 'Liveness',
        security: [],
        responses: {
          '200': { description: 'up', content: json({ type: 'object', properties: { status: str } }) },
        },
      },
    },
    '/api/v1/checkins': {
      post: {
        summary: 'A device checks in',
        security: [{ ingest: [] }],
        parameters: [{ name: 'X-Device-Name', in: 'header', schema: str }],
        requestBody: {
          required: true,
          content: {
            'text/plain': { schema: { type: 'string', description: 'the text of dsregcmd /status' } },
            'application/json': { schema: ref('Envelope') },
            'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } },
          },
        },
        responses: {
          '202': {
            description: 'stored and diagnosed (one object per device when the body holds several)',
            content: json({ oneOf: [ref('CheckinAnswer'), ref('CheckinAnswers')] }),
          },
          '400': error,
          '401': error,
          '413': error,
          '415': error,
          '429': { ...error, headers: { 'Retry-After': { schema: { type: 'integer' } } } },
        },
      },
    },
    '/api/v1/summary': {
      get: {
        summary: 'The fleet at a glance',
        responses: { '200': { description: 'summary', content: json(ref('Summary')) }, '401': error },
      },
    },
    '/api/v1/devices': {
      get: {
        summary: 'Devices, newest check-in first',
        parameters: [
          ...filters,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
          { name: 'cursor', in: 'query', schema: str },
        ],
        responses: {
          '200': {
            description: 'one page',
            content: json({
              type: 'object',
              required: ['devices', 'next'],
              properties: { devices: { type: 'array', items: ref('DeviceRow') }, next: nullableStr },
            }),
          },
          '400': error,
          '401': error,
        },
      },
    },
    '/api/v1/devices.csv': {
      get: {
        summary: 'The device list as CSV',
        parameters: filters,
        responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: str } } }, '401': error },
      },
    },
    '/api/v1/devices/{key}': {
      get: {
        summary: 'One device: its latest diagnosis and its history',
        parameters: [{ name: 'key', in: 'path', required: true, schema: str }],
        responses: {
          '200': { description: 'the device', content: json(ref('Device')) },
          '401': error,
          '404': error,
        },
      },
    },
    '/api/v1/imports': {
      post: {
        summary: 'An Entra device export or an AD computer export (kept until a newer one of its kind)',
        parameters: [
          { name: 'kind', in: 'query', required: true, schema: { enum: ['entra', 'ad'] } },
          { name: 'name', in: 'query', schema: str },
        ],
        requestBody: { required: true, content: { '*/*': { schema: str } } },
        responses: {
          '201': {
            description: 'stored',
            content: json({
              type: 'object',
              properties: { kind: str, name: nullableStr, receivedAt: str, bytes: count },
            }),
          },
          '400': error,
          '401': error,
          '413': error,
        },
      },
    },
    '/api/v1/reconciliation': {
      get: {
        summary: 'Devices of the exports matched with the devices that check in (reconcile.schema.json)',
        responses: {
          '200': { description: 'reconciliation', content: json({ type: 'object' }) },
          '401': error,
          '404': error,
          '422': error,
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
      },
    },
    '/': {
      get: {
        summary: 'The dashboard page',
        security: [],
        responses: { '200': { description: 'HTML', content: { 'text/html': { schema: str } } } },
      },
    },
  },
  components: {
    securitySchemes: {
      ingest: { type: 'http', scheme: 'bearer', description: 'DSREG_DOCTOR_INGEST_TOKEN' },
      admin: { type: 'http', scheme: 'bearer', description: 'DSREG_DOCTOR_ADMIN_TOKEN' },
    },
    responses: {
      Error: {
        description: 'what was wrong, in one line',
        content: json({ type: 'object', required: ['error'], properties: { error: str } }),
      },
    },
    schemas: {
      Envelope: {
        type: 'object',
        properties: {
          device: { type: 'object', properties: { name: str, domain: str } },
          collectedAt: { type: 'string', format: 'date-time' },
          context: { enum: ['system', 'user'] },
          captures: {
            type: 'array',
            items: { type: 'object', required: ['text'], properties: { name: str, text: str } },
          },
          events: {
            type: 'array',
            items: { type: 'object', required: ['xml'], properties: { name: str, xml: str } },
          },
        },
      },
      CheckinAnswer: {
        type: 'object',
        required: ['id', 'device', 'verdict', 'phase'],
        properties: {
          id: str,
          device: { type: 'string', description: 'the device key' },
          verdict: str,
          phase: nullableStr,
          joinType: str,
          unidentified: { type: 'boolean' },
          duplicate: { type: 'boolean', description: 'the same capture was stored before' },
        },
      },
      CheckinAnswers: {
        type: 'object',
        required: ['checkins'],
        properties: { checkins: { type: 'array', items: ref('CheckinAnswer') } },
      },
      Summary: {
        type: 'object',
        required: ['devices', 'verdicts', 'joinTypes', 'phases', 'topCodes', 'checkinsByDay'],
        properties: {
          devices: count,
          verdicts: countMap,
          joinTypes: countMap,
          phases: countMap,
          topCodes: {
            type: 'array',
            items: {
              type: 'object',
              required: ['hex', 'devices'],
              properties: { hex: str, name: str, devices: count },
            },
          },
          checkinsByDay: {
            type: 'array',
            items: {
              type: 'object',
              required: ['day', 'checkins', 'failed'],
              properties: { day: { type: 'string', format: 'date' }, checkins: count, failed: count },
            },
          },
          funnel: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                step: { enum: ['domain-joined', 'scp-read', 'registered', 'prt'] },
                devices: count,
                lost: count,
              },
            },
          },
        },
      },
      DeviceRow: {
        type: 'object',
        required: [
          'key',
          'name',
          'domain',
          'deviceId',
          'joinType',
          'verdict',
          'phase',
          'codes',
          'lastCheckin',
        ],
        properties: {
          key: str,
          name: nullableStr,
          domain: nullableStr,
          deviceId: nullableStr,
          joinType: str,
          verdict: str,
          phase: nullableStr,
          codes: { type: 'array', items: str },
          lastCheckin: { type: 'string', format: 'date-time' },
          unidentified: { type: 'boolean' },
        },
      },
      Device: {
        allOf: [
          ref('DeviceRow'),
          {
            type: 'object',
            required: ['diagnosis', 'history'],
            properties: {
              checkins: count,
              diagnosis: { type: 'object', description: 'diagnosis.schema.json' },
              history: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'receivedAt', 'verdict', 'phase'],
                  properties: { id: str, receivedAt: str, verdict: str, phase: nullableStr, context: str },
                },
              },
            },
          },
        ],
      },
    },
  },
} as const;
