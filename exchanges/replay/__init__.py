"""Replay of recorded exchange traffic (docs/captures.md).

- `script`: a capture split into what each recorded host must serve;
- `http_host`, `ws_host`, `rpc`, `pacing`: the local servers standing for the recorded hosts;
- `server`: all of them together, with the venue -> Endpoints map and the "exhausted" flag;
- `discovery`: which instruments a capture carries, as InstrumentSpecs;
- `runner`: the real FeedSupervisor run against the servers until the books settle;
- `faults`: rewritten captures with injected faults, for tests.
"""
