// React picks its development or production build from NODE_ENV as it first loads, and an
// unset NODE_ENV means development: prop checks, dev-only element bookkeeping and a slower
// reconciler, which cost the terminal UI about a fifth of its CPU on a long answer. Imported
// first by the Ink entry points (before anything that loads React), it asks for the production
// build unless the user chose otherwise.
if (process.env.NODE_ENV === undefined) process.env.NODE_ENV = 'production';

export {};
