import type { Static, TObject } from '@sinclair/typebox';
import type { Principal, RequestMeta } from '../domain/principal.js';
import type { Services } from './services.js';

export type Product = 'Sas' | 'Ram' | 'Actiontrail';

/**
 * API versions an action answers to. Every action answers to Sas's 2018-12-03 (one endpoint, one SDK
 * client); RAM and ActionTrail actions also answer to their own product's version so those products'
 * SDKs work unchanged.
 */
export const PRODUCT_VERSIONS: Record<Product, readonly string[]> = {
  Sas: ['2018-12-03'],
  Ram: ['2018-12-03', '2015-05-01'],
  Actiontrail: ['2018-12-03', '2020-07-06'],
};

export interface ActionContext {
  principal: Principal;
  meta: RequestMeta;
  services: Services;
}

export interface ActionDef<P extends TObject, R extends TObject> {
  name: string;
  product: Product;
  /** RAM action names; several = aliases, any one of them grants the action (SPEC ). */
  ramActions: readonly string[];
  rw: 'Read' | 'Write';
  description: string;
  params: P;
  /** The full response schema including `RequestId`. */
  response: R;
  /** Params whose values never reach the audit trail or logs. */
  secretParams?: readonly string[];
  /** ARN of the resource the call touches; default `acs:<ram-service>::<account>:*`. */
  resource?: (ctx: ActionContext, params: Static<P>) => string;
  /** Service of the default resource when it is not the RAM action's (e.g. an ecs: operation on a Sas host). */
  resourceService?: string;
  handler: (ctx: ActionContext, params: Static<P>) => Promise<Omit<Static<R>, 'RequestId'>>;
}

/** Type-erased action as the gateway holds it. */
export interface AnyAction {
  name: string;
  product: Product;
  ramActions: readonly string[];
  rw: 'Read' | 'Write';
  description: string;
  params: TObject;
  response: TObject;
  secretParams?: readonly string[];
  resource?: (ctx: ActionContext, params: Record<string, unknown>) => string;
  resourceService?: string;
  handler: (ctx: ActionContext, params: Record<string, unknown>) => Promise<Record<string, unknown>>;
}

export function defineAction<P extends TObject, R extends TObject>(def: ActionDef<P, R>): AnyAction {
  return def as unknown as AnyAction;
}

export function defaultResource(action: AnyAction, accountId: string): string {
  const service = action.resourceService ?? (action.ramActions[0] ?? 'yundun-sas:').split(':')[0];
  return `acs:${service}::${accountId}:*`;
}
