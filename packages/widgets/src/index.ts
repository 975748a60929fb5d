/**
 * @parley/widgets — Lit web components for Parley. The components arrive with the widgets issue;
 * for now the package exposes the SDK version it is built against so hosts can check compatibility.
 */
export const WIDGETS_VERSION = '0.1.0';
