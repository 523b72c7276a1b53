/**
 * The companion's HTTP API as an OpenAPI 3.1 document, served at `GET /openapi.json` (behind
 * the token like every request) and described in docs/companion.md. companionOpenApi.test.ts
 * sends every operation here to a running companion and checks that its router knows it and
 * answers one of the statuses written here, and that a route not written here is unknown.
 */
const json = (schema: object) => ({ 'application/json': { schema } });
const error = { type: 'object', required: ['error'], properties: { error: { type: 'string' }, problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' } } } };
const answer = (description: string, schema?: object) => (schema ? { description, content: json(schema) } : { description });
const errors = (statuses: Record<string, string>) => Object.fromEntries(Object.entries(statuses).map(([status, description]) => [status, answer(description, { $ref: '#/components/schemas/Error' })]));
const AUTH = errors({ 401: 'no token, or not this companion\'s token', 408: 'the request body took over 120 s' });
const sha256 = { name: 'sha256', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } };
const jobId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } };
const job = { $ref: '#/components/schemas/Job' };

export const companionOpenApi = {
  openapi: '3.1.0',
  info: {
    title: 'WebGPU Training Studio companion',
    version: '1',
    description: 'Runs the studio\'s training core on a GPU machine. Every request needs `Authorization: Bearer <token>` (or `?token=`); the live event stream is the WebSocket `/live?token=` (docs/companion.md).',
  },
  security: [{ token: [] }],
  paths: {
    '/health': { get: { summary: 'Backend, queue depth and disk state', responses: { 200: answer('the companion is up', { type: 'object', required: ['ok', 'queueKind', 'queue', 'disk'] }), ...AUTH } } },
    '/openapi.json': { get: { summary: 'This document', responses: { 200: answer('OpenAPI 3.1', { type: 'object' }), ...AUTH } } },
    '/blobs/missing': {
      post: {
        summary: 'Which blobs (images, weight files) by SHA-256 the companion lacks',
        requestBody: { required: true, content: json({ type: 'object', required: ['hashes'], properties: { hashes: { type: 'array', items: { type: 'string', pattern: '^[0-9a-f]{64}$' } } } }) },
        responses: { 200: answer('the hashes not held', { type: 'object', properties: { missing: { type: 'array', items: { type: 'string' } } } }), ...errors({ 400: 'not a list of SHA-256 hashes, or nested too deep', 413: 'more hashes than one request may ask about' }), ...AUTH },
      },
    },
    '/blobs/{sha256}': {
      put: {
        summary: 'Stores one blob: an image of a dataset, or a safetensors file a job starts from',
        parameters: [sha256],
        requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        responses: {
          200: answer('already held'),
          201: answer('stored'),
          ...errors({ 400: 'the bytes do not hash to the name; nothing stored', 413: 'over --max-upload; nothing stored', 503: 'too many uploads under way (Retry-After)', 507: 'the disk is full; nothing stored' }),
          ...AUTH,
        },
      },
    },
    '/datasets/{version}': {
      parameters: [{ name: 'version', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{16}$' } }],
      put: {
        summary: 'Stores a dataset manifest once every image it names is uploaded',
        requestBody: { required: true, content: json({ $ref: '#/components/schemas/DatasetManifest' }) },
        responses: { 200: answer('already held'), 201: answer('stored'), ...errors({ 400: 'not a manifest, or its version does not match its content', 409: 'images missing (listed)', 507: 'the disk is full' }), ...AUTH },
      },
      get: { summary: 'An uploaded dataset', responses: { 200: answer('the dataset', { type: 'object' }), ...errors({ 404: 'not uploaded' }), ...AUTH } },
    },
    '/jobs': {
      get: { summary: 'Every job', responses: { 200: answer('the jobs', { type: 'object', properties: { jobs: { type: 'array', items: job } } }), ...AUTH } },
      post: {
        summary: 'Queues a run of a RunSpec (docs/run-spec.md)',
        requestBody: { required: true, content: json({ type: 'object', required: ['spec'], properties: { id: { type: 'string' }, spec: { type: 'object' } } }) },
        responses: {
          200: answer('this id with this spec was queued before: that job', { type: 'object', properties: { job } }),
          201: answer('queued', { type: 'object', properties: { job } }),
          ...errors({ 400: 'the spec is invalid, names a path, or is over a limit (problems name each field)', 409: 'the id holds another spec, or the data or weights are not uploaded yet', 413: 'the body is over --max-body', 507: 'the disk is full' }),
          ...AUTH,
        },
      },
    },
    '/jobs/{id}': {
      parameters: [jobId],
      get: { summary: 'One job', responses: { 200: answer('the job', { type: 'object', properties: { job } }), ...errors({ 404: 'no such job' }), ...AUTH } },
      delete: { summary: 'Cancels a job at any stage', responses: { 200: answer('cancelled (or already ended)', { type: 'object', properties: { job } }), ...errors({ 404: 'no such job' }), ...AUTH } },
    },
    '/jobs/{id}/events': {
      parameters: [jobId, { name: 'after', in: 'query', schema: { type: 'integer' } }],
      get: { summary: "The job's events after seq `after`", responses: { 200: answer('events in seq order', { type: 'object', properties: { job, events: { type: 'array' } } }), ...errors({ 404: 'no such job' }), ...AUTH } },
    },
    '/jobs/{id}/checkpoints/{slot}': {
      parameters: [jobId, { name: 'slot', in: 'path', required: true, schema: { enum: ['last', 'best', 'final'] } }],
      get: {
        summary: 'A checkpoint as one binary bundle (src/core/train/checkpointBundle.ts)',
        responses: { 200: { description: 'the bundle', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors({ 404: 'no such job, slot, or checkpoint yet' }), ...AUTH },
      },
    },
    '/sweeps': {
      post: {
        summary: 'Queues one job per configuration of a grid or random sweep',
        requestBody: { required: true, content: json({ type: 'object', required: ['spec', 'sweep'], properties: { id: { type: 'string' }, spec: { type: 'object' }, sweep: { type: 'object' } } }) },
        responses: { 200: answer('queued before'), 201: answer('queued', { type: 'object' }), ...errors({ 400: 'the sweep or a configuration is invalid (problems by configuration)', 409: 'data or weights not uploaded', 507: 'the disk is full' }), ...AUTH },
      },
    },
    '/sweeps/{id}': {
      parameters: [jobId],
      get: { summary: "A sweep's jobs with their parameters and results", responses: { 200: answer('the sweep', { type: 'object' }), ...errors({ 404: 'no such sweep' }), ...AUTH } },
    },
  },
  components: {
    securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Problem: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
      Error: error,
      Job: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { enum: ['queued', 'active', 'completed', 'failed', 'cancelled'] }, message: { type: 'string' }, summary: { type: 'object' } } },
      DatasetManifest: { type: 'object', required: ['format', 'version', 'name', 'samples'] },
    },
  },
} as const;
