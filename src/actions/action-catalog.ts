import { PRODUCT_VERSIONS, type AnyAction, type Product } from './catalog-types.js';

/** The version that identifies a product unambiguously (its own SDK's version). */
const OWN_VERSION: Record<Product, string> = { Sas: '2018-12-03', Ram: '2015-05-01', Actiontrail: '2020-07-06' };

/**
 * Actions by name. Two products may use one name (RAM's DeleteGroup vs Sas's DeleteGroup): the
 * product's own API version, or an explicit product, picks one; otherwise Sas wins.
 */
export class ActionCatalog {
  private readonly byName = new Map<string, AnyAction[]>();

  constructor(actions: readonly AnyAction[]) {
    for (const a of actions) {
      const list = this.byName.get(a.name) ?? [];
      if (list.some((b) => b.product === a.product)) throw new Error(`action ${a.product}:${a.name} is declared twice`);
      list.push(a);
      this.byName.set(a.name, list);
    }
  }

  get(name: string, opts: { version?: string; product?: string } = {}): AnyAction | undefined {
    const list = this.byName.get(name);
    if (!list) return undefined;
    if (opts.product) return list.find((a) => a.product.toLowerCase() === opts.product?.toLowerCase());
    if (list.length === 1) return list[0];
    if (opts.version) {
      const own = list.find((a) => OWN_VERSION[a.product] === opts.version);
      if (own) return own;
      const accepting = list.filter((a) => PRODUCT_VERSIONS[a.product].includes(opts.version as string));
      return accepting.find((a) => a.product === 'Sas') ?? accepting[0] ?? list[0];
    }
    return list.find((a) => a.product === 'Sas') ?? list[0];
  }

  values(): AnyAction[] {
    return [...this.byName.values()].flat();
  }

  /** Every RAM action name the catalog serves (for "unknown action" warnings on policy save). */
  ramActionNames(): Set<string> {
    return new Set(this.values().flatMap((a) => a.ramActions));
  }
}
