import { Client, NotFoundError, UserStatus } from 'duo-directory'
import { Emulator } from 'duo-directory/testing'

const emu = new Emulator({ users: 250 })            // a local Duo for this example
const { ikey, skey, host } = emu                    // use your own Admin API keys and host
const client = new Client(ikey, skey, host, { caCerts: emu.caCertPem, timeout: 10 })

const listing = client.listUsers({ pageSize: 100 })
let enrolled = 0
for await (const user of listing) {                 // pages are fetched as you iterate
  if (user.isEnrolled) enrolled += 1
}
console.log(`${enrolled} enrolled users, ${listing.pagesFetched} pages`)

const user = await client.createUser('jsmith', { realname: 'Jo Smith', email: 'jsmith@example.com' })
await client.updateUser(user.userId, { status: UserStatus.Disabled, alias2: '' }) // '' clears, undefined leaves as is
console.log(String(client.preview.deleteUser(user.userId)))                     // sends nothing
await client.deleteUser(user.userId)
try {
  await client.getUser(user.userId)
} catch (e) {
  if (e instanceof NotFoundError) console.log(`gone: ${e.code} ${e.status} ${e.duoCode}`)
}
client.close()
emu.close()
