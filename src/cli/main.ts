/** `prodlens` command line (stub; grows with the foundation issue). */
process.stdout.write('prodlens: not implemented yet\n');
