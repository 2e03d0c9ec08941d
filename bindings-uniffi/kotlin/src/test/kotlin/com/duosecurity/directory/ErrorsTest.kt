package com.duosecurity.directory

import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.net.ServerSocket

class ErrorsTest {
    private inline fun <reified E : DuoException> expect(block: () -> Unit): E {
        try {
            block()
        } catch (e: DuoException) {
            assertTrue("expected ${E::class.simpleName}, got $e", e is E)
            return e as E
        }
        fail("nothing was thrown")
        throw IllegalStateException()
    }

    @Test
    fun apiError() = runBlocking<Unit> {
        emulator(skey = SECRET).use { emu ->
            emu.client().use { client ->
                client.createUser("dup.user")
                val e = expect<DuoException.Api> { runBlocking { client.createUser("dup.user") } }
                assertEquals("api_error", e.kind)
                assertEquals(400L, e.status)
                assertEquals(40003L, e.code)
                assertEquals("Duplicate resource", e.duoMessage)
                assertEquals("username", e.messageDetail)
                assertFalse(e.allText().contains(SECRET))
            }
        }
    }

    @Test
    fun notFound() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                val e = expect<DuoException.NotFound> { runBlocking { client.getUser("DUNOSUCHUSER0000000") } }
                assertEquals(Triple("not_found", 404L, 40401L), Triple(e.kind, e.status, e.code))
            }
        }
    }

    @Test
    fun unauthorizedAndSecretNeverShown() = runBlocking<Unit> {
        emulator().use { emu ->
            Client(emu.ikey(), SECRET, emu.host(), ClientOptions(scheme = "http")).use { client ->
                assertFalse(client.toString().contains(SECRET))
                val e = expect<DuoException.Auth> { runBlocking { client.getUserByUsername("x") } }
                assertEquals("unauthorized", e.kind)
                assertEquals(401L, e.status)
                assertFalse(e.allText().contains(SECRET))
                assertFalse(e.allText().contains(emu.skey()))
            }
        }
    }

    @Test
    fun rateLimited() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.injectFault("rate_limited", 5, retryAfter = 0)
            // the standard mode gives up after maxRetries (the adaptive one waits until the deadline)
            emu.client(ClientOptions(maxRetries = 2, retryMode = "standard")).use { client ->
                val e = expect<DuoException.RateLimited> { runBlocking { client.getUserByUsername("x") } }
                assertEquals("rate_limited", e.kind)
                assertEquals(429L, e.status)
                assertEquals(3L, e.attempts)
                assertEquals(0.0, e.retryAfter!!, 0.0)
            }
        }
    }

    @Test
    fun rateLimitRetriedThenSucceeds() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.injectFault("rate_limited", 2, retryAfter = 0)
            emu.client(ClientOptions(maxRetries = 3)).use { client ->
                assertEquals(null, client.getUserByUsername("x"))
            }
        }
    }

    @Test
    fun invalidInput() {
        var e = expect<DuoException.InvalidInput> { Client("DIXXXXXXXXXXXXXXXXXX", "", "api-x.duosecurity.com") }
        assertEquals(Pair("invalid_input", "skey"), Pair(e.kind, e.field))
        assertTrue(e.reason.isNotEmpty())
        e = expect { Client("DI", SECRET, "https://api-x.duosecurity.com") }
        assertEquals("host", e.field)
        assertFalse(e.allText().contains(SECRET))
        e = expect { Client("DI", SECRET, "api-x.duosecurity.com", ClientOptions(timeout = -1.0)) }
        assertEquals("timeout", e.field)
        e = expect { Client("DI", SECRET, "api-x.duosecurity.com", ClientOptions(maxRetries = -1)) }
        assertEquals("max_retries", e.field)
        e = expect { Client("DI", SECRET, "api-x.duosecurity.com", ClientOptions(scheme = "ftp")) }
        assertEquals("scheme", e.field)
        e = expect { Client("DI", SECRET, "api-x.duosecurity.com", ClientOptions(sigVersion = 3)) }
        assertEquals("sig_version", e.field)
        e = expect { Client("DI", SECRET, "api-x.duosecurity.com", ClientOptions(retryMode = "eager")) }
        assertEquals("retry_mode", e.field)
        e = expect { Client("DI", SECRET, "api-x.duosecurity.com", ClientOptions(prefetch = -1)) }
        assertEquals("prefetch", e.field)
        e = expect { emulator().use { it.client(ClientOptions(pagesPerMinute = -5)) } }
        assertEquals("pages_per_minute", e.field)
        e = expect { com.duosecurity.directory.testing.Emulator(com.duosecurity.directory.testing.EmulatorOptions(rateLimits = "pages=0")) }
        assertEquals("rate_limits", e.field)
    }

    @Test
    fun transportError() = runBlocking<Unit> {
        val port = ServerSocket(0).use { it.localPort }
        Client("DIXXXXXXXXXXXXXXXXXX", SECRET, "127.0.0.1:$port", ClientOptions(scheme = "http", maxRetries = 0)).use { client ->
            val e = expect<DuoException.Transport> { runBlocking { client.getUser("DU1") } }
            assertEquals("transport", e.kind)
            assertFalse(e.sent)
            assertFalse(e.allText().contains(SECRET))
        }
    }

    @Test
    fun droppedConnectionIsTransportError() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.injectFault("drop_connection", 1)
            emu.client(ClientOptions(maxRetries = 0)).use { client ->
                expect<DuoException.Transport> { runBlocking { client.getUserByUsername("x") } }
            }
        }
    }

    @Test
    fun timeout() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.injectFault("delay", 1, delay = 2.0)
            emu.client(ClientOptions(timeout = 0.3, maxRetries = 0)).use { client ->
                val e = expect<DuoException.Timeout> { runBlocking { client.getUserByUsername("x") } }
                assertEquals("timeout", e.kind)
            }
        }
    }

    @Test
    fun serverError() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.injectFault("server_error", 1, status = 500)
            emu.client(ClientOptions(maxRetries = 0)).use { client ->
                assertEquals(500L, expect<DuoException.Api> { runBlocking { client.getUserByUsername("x") } }.status)
            }
        }
    }

    @Test
    fun decodeErrorFromAMalformedBody() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.injectFault("malformed_body", 1)
            emu.client(ClientOptions(maxRetries = 0)).use { client ->
                assertEquals("decode", expect<DuoException.Decode> { runBlocking { client.getUserByUsername("x") } }.kind)
            }
        }
    }

    @Test
    fun decodeErrorAttributes() {
        val e = expect<DuoException.Decode> { User.fromJson("""{"user_id": 1}""") }
        assertEquals(Pair("user_id", 1L), Pair(e.field, e.line))
        assertTrue(e.column > 0)
        assertTrue(e.reason.isNotEmpty())
    }

    @Test
    fun unknownFaultKindNamesTheField() {
        emulator().use { emu ->
            assertEquals("kind", expect<DuoException.InvalidInput> { emu.injectFault("meteor", 1) }.field)
        }
    }

    @Test
    fun panicBecomesDuoError() = runBlocking<Unit> {
        val e = expect<DuoException.Internal> { forcePanic() }
        assertEquals("internal", e.kind)
        assertTrue(e.text, e.text.contains("panic"))
        val async = expect<DuoException.Internal> { runBlocking { forcePanicAsync() } }
        assertTrue(async.text.contains("forced panic (test, async)"))
    }

    @Test
    fun secretNotInAnyToString() = runBlocking<Unit> {
        emulator(users = 2, skey = SECRET).use { emu ->
            assertFalse(emu.toString().contains(SECRET))
            emu.client().use { client ->
                val texts = mutableListOf(client.toString(), emu.toString(), client.preview().toString(),
                    ClientOptions(timeout = 1.0).toString())
                val user = client.getUser(emu.users()[0].userId)
                texts += user.toString()
                texts += client.preview().deleteUser(user.userId).toString()
                texts += client.listUsers(null).toString()
                for (t in texts) assertFalse(t, t.contains(SECRET))
            }
        }
    }
}
