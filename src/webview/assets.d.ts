/** Stylesheets imported by the page bundle; esbuild collects them into dist/webview.css. */
declare module '*.css';
