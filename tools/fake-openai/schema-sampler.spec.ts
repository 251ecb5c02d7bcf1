import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type JsonSchema, sampleFromJsonSchema } from './schema-sampler';

// An independent validator, so the sampler is not graded by its own understanding of the spec.
const draft7 = addFormats(new Ajv({ strict: false, allErrors: true }));
const draft2020 = addFormats(new Ajv2020({ strict: false, allErrors: true }));

function expectValid(schema: JsonSchema, value: unknown, ajv: Ajv | Ajv2020 = draft7): void {
  const validate = ajv.compile(schema as object);
  const ok = validate(value);
  if (!ok) throw new Error(`${JSON.stringify(value)} is invalid: ${ajv.errorsText(validate.errors)}`);
}

const cases: [string, JsonSchema][] = [
  ['plain string', { type: 'string' }],
  ['nullable via type array', { type: ['null', 'string'] }],
  ['only null', { type: 'null' }],
  ['boolean', { type: 'boolean' }],
  ['integer within exclusive bounds', { type: 'integer', exclusiveMinimum: 10, exclusiveMaximum: 12 }],
  ['number below the default', { type: 'number', maximum: -3 }],
  ['number above the default', { type: 'number', minimum: 1000 }],
  ['money with multipleOf 0.01', { type: 'number', minimum: 0, maximum: 5, multipleOf: 0.01 }],
  ['multipleOf 0.05 in a narrow band', { type: 'number', minimum: 7.3, maximum: 7.4, multipleOf: 0.05 }],
  ['integer multipleOf 5', { type: 'integer', minimum: 1, multipleOf: 5 }],
  ['percent', { type: 'number', minimum: 0, maximum: 100 }],
  ['short string', { type: 'string', maxLength: 3 }],
  ['long string', { type: 'string', minLength: 80 }],
  ['string pattern (currency code)', { type: 'string', pattern: '^[A-Z]{3}$' }],
  ['string pattern (digits)', { type: 'string', pattern: '^[0-9]+$' }],
  [
    'string formats',
    {
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date-time' },
        on: { type: 'string', format: 'date' },
        email: { type: 'string', format: 'email' },
        id: { type: 'string', format: 'uuid' },
        link: { type: 'string', format: 'uri' },
      },
      required: ['at', 'on', 'email', 'id', 'link'],
    },
  ],
  [
    'enum and const',
    {
      type: 'object',
      properties: { kind: { const: 'expense' }, level: { type: 'string', enum: ['low', 'medium', 'high'] } },
      required: ['kind', 'level'],
      additionalProperties: false,
    },
  ],
  [
    'array bounds and uniqueness',
    {
      type: 'array',
      items: { type: 'string', enum: ['a'] },
      minItems: 1,
      maxItems: 4,
      uniqueItems: true,
    },
  ],
  [
    'array of objects with unique booleans',
    {
      type: 'array',
      items: { type: 'boolean' },
      minItems: 2,
      uniqueItems: true,
    },
  ],
  [
    'tuple (draft-07 items array)',
    {
      type: 'array',
      items: [{ type: 'string' }, { type: 'integer' }],
      additionalItems: false,
      minItems: 2,
    },
  ],
  [
    'anyOf picks a non-null branch',
    {
      anyOf: [{ type: 'null' }, { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] }],
    },
  ],
  [
    'oneOf object variants',
    {
      oneOf: [
        { type: 'object', properties: { kind: { const: 'a' } }, required: ['kind'], additionalProperties: false },
        { type: 'object', properties: { kind: { const: 'b' } }, required: ['kind'], additionalProperties: false },
      ],
    },
  ],
  [
    'allOf merges',
    {
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { properties: { b: { type: 'integer', minimum: 100 } }, required: ['b'] },
      ],
    },
  ],
  [
    'required key without a property schema',
    {
      type: 'object',
      required: ['note'],
      additionalProperties: { type: 'string' },
    },
  ],
  ['minProperties with free-form values', { type: 'object', minProperties: 2 }],
  [
    'maxProperties keeps required keys',
    {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } },
      required: ['c'],
      maxProperties: 1,
    },
  ],
  [
    '$ref to definitions (draft-07 style)',
    {
      definitions: {
        money: {
          type: 'object',
          properties: { amount: { type: 'number' }, currency: { type: 'string', maxLength: 3 } },
          required: ['amount', 'currency'],
          additionalProperties: false,
        },
      },
      type: 'object',
      properties: { total: { $ref: '#/definitions/money' } },
      required: ['total'],
    },
  ],
  [
    'recursive category tree',
    {
      $defs: {
        node: {
          type: 'object',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
          required: ['name', 'children'],
          additionalProperties: false,
        },
      },
      $ref: '#/$defs/node',
    },
  ],
  [
    'recursive root reference',
    {
      type: 'object',
      properties: { label: { type: 'string' }, next: { anyOf: [{ $ref: '#' }, { type: 'null' }] } },
      required: ['label', 'next'],
    },
  ],
  ['true schema', true],
];

describe('sampleFromJsonSchema', () => {
  it.each(cases)('%s', (_name, schema) => {
    expectValid(schema, sampleFromJsonSchema(schema));
  });

  it('handles draft 2020-12 prefixItems', () => {
    const schema: JsonSchema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'string', format: 'date' }, { type: 'number' }],
      items: false,
    };
    const value = sampleFromJsonSchema(schema);
    expect(value).toHaveLength(2);
    expectValid(schema, value, draft2020);
  });

  it('validates a structured-output style report schema and reads like placeholder data', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        summary: { type: 'string', description: 'Two sentence overview' },
        merchantName: { type: 'string' },
        tips: { type: 'array', items: { type: 'string' }, minItems: 3, maxItems: 5 },
        categories: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: { type: 'string' },
              share: { type: 'number', minimum: 0, maximum: 1 },
              trend: { type: 'string', enum: ['up', 'down', 'flat'] },
              note: { type: ['string', 'null'] },
            },
            required: ['name', 'share', 'trend', 'note'],
            additionalProperties: false,
          },
        },
      },
      required: ['summary', 'merchantName', 'tips', 'categories'],
      additionalProperties: false,
    };
    const value = sampleFromJsonSchema(schema) as {
      summary: string;
      merchantName: string;
      tips: string[];
      categories: { name: string; trend: string; note: string | null }[];
    };

    expectValid(schema, value);
    expect(value.merchantName).toBe('Sample merchant name');
    expect(value.tips).toEqual(['Sample tip', 'Sample tip 2', 'Sample tip 3']);
    expect(value.categories.map((c) => c.trend)).toEqual(['up', 'down']);
    expect(value.categories[0].note).toBe('Sample note');
  });

  it('is deterministic', () => {
    const schema: JsonSchema = { type: 'object', properties: { a: { type: 'array', items: { type: 'number' } } } };
    expect(sampleFromJsonSchema(schema)).toEqual(sampleFromJsonSchema(schema));
  });

  it('reports schemas it cannot satisfy instead of looping', () => {
    expect(() => sampleFromJsonSchema(false)).toThrow(/accepts no value/);
    expect(() => sampleFromJsonSchema({ $ref: '#/$defs/a', $defs: { a: { $ref: '#/$defs/a' } } })).toThrow(/cycle/);
    expect(() => sampleFromJsonSchema({ $ref: 'https://example.com/schema.json' })).toThrow(/local/);
    expect(() =>
      sampleFromJsonSchema({ type: 'object', properties: { self: { $ref: '#' } }, required: ['self'] }),
    ).toThrow(/does not terminate/);
  });
});
