import { Type } from '@sinclair/typebox';
import { defineAction, type ActionContext } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { compilePolicies, parsePolicyDocument, type AttachedPolicy } from '../iam/policy/index.js';
import { Name64, ram, userArn } from './ram-common.js';

const MAX_JSON = 262_144;

const EvaluationResult = Type.Object({
  ActionName: Type.String(),
  Decision: Type.Union([Type.Literal('Allow'), Type.Literal('ExplicitDeny'), Type.Literal('ImplicitDeny')]),
  MatchedStatements: Type.Array(Type.Object({ PolicyIndex: Type.Integer(), StatementIndex: Type.Integer(), PolicyName: Type.String(), PolicyType: Type.String(), Effect: Type.String() })),
});
const Response = Type.Object({ RequestId: Type.String(), EvaluationResults: Type.Array(EvaluationResult) });

function parseJsonParam(name: string, text: string): unknown {
  if (text.length > MAX_JSON) throw new VigilError('InvalidParameter', `${name} is larger than ${MAX_JSON} characters.`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new VigilError('InvalidParameter', `${name} is not valid JSON: ${(err as Error).message}`);
  }
}

function stringList(name: string, text: string): string[] {
  const v = parseJsonParam(name, text);
  if (!Array.isArray(v) || v.length === 0 || v.length > 500 || !v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 256)) {
    throw new VigilError('InvalidParameter', `${name} must be a JSON array of 1–500 non-empty strings, e.g. ["yundun-sas:DescribeVulList"].`);
  }
  return v as string[];
}

function contextEntries(text: string | undefined, ctx: ActionContext): Record<string, string> {
  const base: Record<string, string> = { 'acs:CurrentTime': ctx.meta.now.toISOString() };
  if (!text) return base;
  const v = parseJsonParam('ContextEntries', text);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new VigilError('InvalidParameter', 'ContextEntries must be a JSON object of condition keys, e.g. {"acs:SourceIp":"10.1.2.3"}.');
  for (const [k, val] of Object.entries(v)) {
    if (!['string', 'number', 'boolean'].includes(typeof val)) throw new VigilError('InvalidParameter', `ContextEntries["${k.slice(0, 64)}"] must be a string, number or boolean.`);
    base[k] = String(val);
  }
  return base;
}

/** Runs the gateway's own compiled evaluator over each action. */
function simulate(policies: AttachedPolicy[], actions: string[], resource: string, context: Record<string, string>) {
  const evaluator = compilePolicies(policies, { cacheSize: 0 });
  return actions.map((a) => {
    const d = evaluator.evaluate({ actions: [a], resource, context });
    return {
      ActionName: a,
      Decision: d.decision,
      MatchedStatements: d.matched.map((m) => ({ PolicyIndex: m.policyIndex, StatementIndex: m.statementIndex, PolicyName: m.policyName, PolicyType: m.policyType, Effect: m.effect })),
    };
  });
}

export const simulateCustomPolicy = defineAction({
  name: 'SimulateCustomPolicy',
  product: 'Ram',
  ramActions: ram('SimulateCustomPolicy'),
  rw: 'Read',
  description: 'Evaluates pasted policy documents for actions, a resource and condition context, with the evaluator the gateway uses.',
  params: Type.Object({
    PolicyDocuments: Type.String({ minLength: 2, maxLength: MAX_JSON }),
    ActionNames: Type.String({ minLength: 2, maxLength: 65_536 }),
    ResourceArn: Type.Optional(Type.String({ maxLength: 1024 })),
    ContextEntries: Type.Optional(Type.String({ maxLength: 65_536 })),
  }),
  response: Response,
  async handler(ctx, p) {
    const docs = parseJsonParam('PolicyDocuments', p.PolicyDocuments);
    if (!Array.isArray(docs) || docs.length === 0 || docs.length > 20) throw new VigilError('InvalidParameter', 'PolicyDocuments must be a JSON array of 1–20 policy documents.');
    const policies: AttachedPolicy[] = docs.map((d, i) => {
      const r = parsePolicyDocument(typeof d === 'string' ? d : JSON.stringify(d));
      if (!r.ok) throw new VigilError('MalformedPolicyDocument', `PolicyDocuments[${i}] is invalid: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
      return { name: `PolicyDocuments[${i}]`, type: 'Custom', document: r.document };
    });
    return { EvaluationResults: simulate(policies, stringList('ActionNames', p.ActionNames), p.ResourceArn || '*', contextEntries(p.ContextEntries, ctx)) };
  },
});

export const simulatePrincipalPolicy = defineAction({
  name: 'SimulatePrincipalPolicy',
  product: 'Ram',
  ramActions: ram('SimulatePrincipalPolicy'),
  rw: 'Read',
  description: "Evaluates a RAM user's policies (own and groups') for actions, a resource and condition context.",
  params: Type.Object({
    UserName: Name64,
    ActionNames: Type.String({ minLength: 2, maxLength: 65_536 }),
    ResourceArn: Type.Optional(Type.String({ maxLength: 1024 })),
    ContextEntries: Type.Optional(Type.String({ maxLength: 65_536 })),
  }),
  response: Response,
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    const user = await ctx.services.ram.users.row(ctx.principal.accountId, p.UserName);
    const policies = await ctx.services.ram.policies.effectivePolicies(ctx.principal.accountId, user.id);
    return { EvaluationResults: simulate(policies, stringList('ActionNames', p.ActionNames), p.ResourceArn || '*', contextEntries(p.ContextEntries, ctx)) };
  },
});
