// Deliberately not a module. A layer's tsconfig maps the packages that layer may not use
// (`vscode` in the feeds, every package in the engine, ...) to this file through `paths`, so
// importing one fails with "File '.../module-not-allowed-in-this-layer.d.ts' is not a module".
