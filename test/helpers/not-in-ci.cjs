// Ink renders only the final frame when it sees CI set (is-in-ci, read as Ink loads). The UI
// tests exercise the terminal mode a person gets, so the test process must not look like CI;
// the app itself never renders Ink under CI, and spawned binaries get their own environment.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
