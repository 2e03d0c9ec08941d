// A typed usage example, compiled with `tsc --noEmit --strict` by types.test.mjs: the generated
// index.d.ts must type every call without `any`.
import { Client, DuoError, NotFoundError, User, UserStatus, PreparedRequest, signRequest, type ClientOptions } from 'duo-directory'
import { Emulator } from 'duo-directory/testing'

async function main (): Promise<void> {
  const emu: Emulator = new Emulator({ users: 3, directories: { DKTEST: 2 } })
  const options: ClientOptions = { timeout: 5, maxRetries: 2, caCerts: emu.caCertPem ?? undefined, caPinning: true }
  const client = new Client(emu.ikey, emu.skey, emu.host, options)
  for await (const user of client.listUsers({ pageSize: 300 })) {
    const name: string = user.username
    const enrolled: boolean | null = user.isEnrolled
    const status: string = user.status
    console.log(name, enrolled, status === UserStatus.Active)
  }
  const found: User | null = await client.getUserByUsername('jsmith')
  const users: User[] = await client.getUsersByEmail('jsmith@example.com')
  const created: User = await client.createUser('jsmith', { realname: 'Jo Smith', status: UserStatus.Bypass })
  await client.updateUser(created.userId, { alias2: '' })
  const request: PreparedRequest = client.preview.deleteUser(created.userId)
  const headers: Record<string, string> = request.headers
  const answer: unknown = await client.call('GET', '/admin/v1/users', { limit: '1' })
  const sig: string = signRequest('DI', 'skey', 'GET', 'h', '/p', { a: ['1', '2'] }, { sigVersion: 2, digest: 'sha1' }).authorization
  try {
    await client.getUser('DUNOSUCHUSER00000000')
  } catch (e) {
    if (e instanceof NotFoundError) {
      const code: number | null = e.duoCode
      const status: number = e.status
      console.log(code, status)
    } else if (e instanceof DuoError) {
      const kind: 'api_error' | 'not_found' | 'unauthorized' | 'rate_limited' | 'invalid_input' | 'transport' | 'timeout' | 'decode' | 'internal' = e.code
      console.log(kind)
    }
  }
  const groups: string[] = (found?.groups ?? []).map((g) => g.groupId)
  console.log(users.length, headers, answer, sig, groups)
  client.close()
  emu.close()
}

void main()
