import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { coerceJsonParams, coerceWireParams } from './params.js';

const schema = Type.Object({
  Name: Type.String({ maxLength: 10 }),
  Page: Type.Optional(Type.Integer({ minimum: 1 })),
  On: Type.Optional(Type.Boolean()),
  Ids: Type.Optional(Type.Array(Type.String())),
  Attr: Type.Optional(Type.Array(Type.Object({ Key: Type.String(), Value: Type.String() }))),
});

const wire = (o: Record<string, string>) => new Map(Object.entries(o));

describe('wire params', () => {
  it('types scalars and rebuilds 1-based lists, ignoring unknown params', () => {
    expect(
      coerceWireParams(schema, wire({ Name: 'a', Page: '3', On: 'true', 'Ids.2': 'y', 'Ids.1': 'x', 'Attr.1.Key': 'EventName', 'Attr.1.Value': 'Login', Extra: 'z' })),
    ).toEqual({ Name: 'a', Page: 3, On: true, Ids: ['x', 'y'], Attr: [{ Key: 'EventName', Value: 'Login' }] });
  });

  it('names the bad parameter', () => {
    expect(() => coerceWireParams(schema, wire({}))).toThrow(/"Name" that is mandatory/);
    expect(() => coerceWireParams(schema, wire({ Name: 'a', Page: 'x' }))).toThrow(/"Page" must be a number/);
    expect(() => coerceWireParams(schema, wire({ Name: 'a', Page: '0' }))).toThrow(/"Page" is invalid/);
    expect(() => coerceWireParams(schema, wire({ Name: 'a', On: 'yes' }))).toThrow(/"On" must be true or false/);
    expect(() => coerceWireParams(schema, wire({ Name: 'a'.repeat(11) }))).toThrow(/"Name" is invalid/);
    expect(() => coerceWireParams(schema, wire({ Name: 'a', 'Ids.0': 'x' }))).toThrow(/invalid list index/);
    expect(() => coerceWireParams(schema, wire({ Name: 'a', 'Ids.99999': 'x' }))).toThrow(/more than 1000/);
  });
});

describe('console JSON params', () => {
  it('converts and validates', () => {
    expect(coerceJsonParams(schema, { Name: 'a', Page: '2', Ids: ['q'] })).toEqual({ Name: 'a', Page: 2, Ids: ['q'] });
    expect(() => coerceJsonParams(schema, [])).toThrow(/JSON object/);
    expect(() => coerceJsonParams(schema, { Name: { x: 1 } })).toThrow(/"Name" is invalid/);
  });
});
