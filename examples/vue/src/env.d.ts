// Single-file components, for TypeScript files that import them (the templates are checked by
// Vue's compiler at build time).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
