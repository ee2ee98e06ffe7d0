// A throwaway PostgreSQL with TimescaleDB (WebAssembly, in memory) for the hypertable tests.
// Usage: node tests/books/pglite_server.mjs PORT   (0 picks a free port)
// Prints one line "LISTENING <port>" once clients may connect; stops on SIGTERM/SIGINT or stdin EOF.
import { PGlite } from '@electric-sql/pglite'
import { timescaledb } from '@electric-sql/pglite/timescaledb'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

const port = Number.parseInt(process.argv[2] ?? '0', 10)
const db = await PGlite.create({ extensions: { timescaledb } })
await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb')
const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' })
server.addEventListener('error', (event) => console.error('pglite server error:', event.detail))
await server.start()
const bound = server.getServerConn().split(':').pop()
console.log(`LISTENING ${bound}`)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  await server.stop()
  await db.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
// The test process holds our stdin: when it goes away, so do we (no orphan servers).
process.stdin.on('end', stop)
process.stdin.resume()
