package com.duosecurity.directory

import com.duosecurity.directory.testing.Emulator
import com.duosecurity.directory.testing.EmulatorOptions
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

class ClientTest {
    @Test
    fun listUsersIsLazy() = runBlocking<Unit> {
        Emulator(EmulatorOptions(users = 250)).use { emu ->
            // on demand (prefetch = 0); coroutineCancellationStopsAPrefetchingListing covers fetching ahead
            emu.client(ClientOptions(prefetch = 0)).use { client ->
                val first = client.users(pageSize = 100).take(5).toList()
                assertEquals(5, first.size)
                assertEquals(1L, emu.requestCount())
                val cursor = client.listUsers(100)
                assertEquals(0L, cursor.pagesFetched())
                assertEquals(100, cursor.nextPage()!!.size)
                assertEquals(1L, cursor.pagesFetched())
                cursor.stop()
                assertNull(cursor.nextPage())
            }
        }
    }

    @Test
    fun listUsersReturnsEveryUser() = runBlocking<Unit> {
        Emulator(EmulatorOptions(users = 250)).use { emu ->
            emu.client().use { client ->
                val names = client.users(pageSize = 300).map { it.username }.toList()
                assertEquals(emu.users().map { it.username }, names)
            }
        }
    }

    @Test
    fun pageSizeIsValidated() {
        emulator().use { emu ->
            emu.client().use { client ->
                for (bad in listOf(0L, 301L, -1L)) {
                    try {
                        client.listUsers(bad)
                        fail("accepted page size $bad")
                    } catch (e: DuoException.InvalidInput) {
                        assertEquals("page_size", e.field)
                    }
                }
            }
        }
    }

    @Test
    fun getUserAndLookups() = runBlocking<Unit> {
        Emulator(EmulatorOptions(users = 5)).use { emu ->
            emu.client().use { client ->
                val known = emu.users()[2]
                assertEquals(known.username, client.getUser(known.userId).username)
                assertEquals(known.userId, client.getUserByUsername(known.username)!!.userId)
                assertNull(client.getUserByUsername("nobody.at.all"))
                val email = known.email!!
                assertTrue(client.getUsersByEmail(email).any { it.userId == known.userId })
                assertEquals(listOf<User>(), client.getUsersByEmail("none@example.com"))
            }
        }
    }

    @Test
    fun createUpdateDelete() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                val created = client.createUser("kt.user", UserFields(email = "kt@example.com", status = "bypass", alias1 = "kay"))
                assertEquals("kt.user", created.username)
                assertEquals(UserStatus.Bypass, created.status)
                assertEquals("kay", created.alias1)
                val updated = client.updateUser(created.userId, UserFields(status = "disabled", alias1 = "", notes = "moved"))
                assertEquals(UserStatus.Disabled, updated.status)
                assertEquals("moved", updated.notes)
                assertNull(updated.alias1)
                assertEquals(UserStatus.Disabled, emu.user(created.userId)!!.status)
                client.deleteUser(created.userId)
                assertNull(emu.user(created.userId))
                try {
                    client.getUser(created.userId)
                    fail("deleted user still there")
                } catch (e: DuoException.NotFound) {
                    assertEquals(404L, e.status)
                }
            }
        }
    }

    @Test
    fun fieldValidationHappensBeforeSending() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                emu.clearRequests()
                val bad = listOf(UserFields(status = "locked out") to "status", UserFields(email = "no-at-sign") to "email",
                    UserFields() to "update", UserFields(username = " ") to "username")
                for ((fields, field) in bad) {
                    try {
                        client.updateUser("DU3RP9I2WOC59VZX672N", fields)
                        fail("accepted $fields")
                    } catch (e: DuoException.InvalidInput) {
                        assertEquals(field, e.field)
                    }
                }
                try {
                    client.getUser("../x")
                    fail("accepted a path id")
                } catch (e: DuoException.InvalidInput) {
                    assertEquals("user_id", e.field)
                }
                assertEquals(0L, emu.requestCount())
            }
        }
    }

    @Test
    fun syncUserFromDirectory() = runBlocking<Unit> {
        val members = generatedDirectoryUsers("DKDIRECTORY000000001", 3)
        Emulator(EmulatorOptions(directories = mapOf("DKDIRECTORY000000001" to members))).use { emu ->
            emu.client().use { client ->
                val username = members[0].email!!.substringBefore('@')
                val user = client.syncUserFromDirectory("DKDIRECTORY000000001", username)
                assertEquals(username, user.username)
                assertNotNull(emu.user(user.userId))
                try {
                    client.syncUserFromDirectory("DKNOSUCHDIRECTORY001", username)
                    fail("unknown directory accepted")
                } catch (e: DuoException.NotFound) {
                    assertEquals("not_found", e.kind)
                }
            }
        }
    }

    @Test
    fun callReturnsParsedJson() = runBlocking<Unit> {
        Emulator(EmulatorOptions(users = 3)).use { emu ->
            emu.client().use { client ->
                val name = emu.users()[0].username
                val text = client.call("GET", "/admin/v1/users", mapOf("username" to ParamValue.One(name)))
                assertEquals(name, org.json.JSONArray(text).getJSONObject(0).getString("username"))
            }
        }
    }

    @Test
    fun previewSendsNothing() {
        emulator().use { emu ->
            emu.client().use { client ->
                emu.clearRequests()
                val p = client.preview()
                val update = p.updateUser("DU3RP9I2WOC59VZX672N", UserFields(status = "disabled"))
                assertEquals("POST", update.method)
                assertEquals("/admin/v1/users/DU3RP9I2WOC59VZX672N", update.path)
                assertEquals(ParamValue.One("disabled"), update.params["status"])
                assertEquals("""{"status":"disabled"}""", update.body)
                assertFalse(update.headers.containsKey("Authorization"))
                assertEquals("DELETE", p.deleteUser("DU3RP9I2WOC59VZX672N").method)
                assertEquals("/admin/v1/users", p.createUser("new.user").path)
                assertEquals("mbolton", JSONObject(p.syncUserFromDirectory("DKXX", "mbolton").body!!).getString("username"))
                assertEquals("/admin/v1/info/summary", p.call("GET", "/admin/v1/info/summary").target)
                assertEquals("DELETE", JSONObject(p.deleteUser("DU1").json).getString("method"))
                assertEquals(0L, emu.requestCount())
            }
        }
    }

    @Test
    fun tlsOptionsAndSigVersion2() = runBlocking<Unit> {
        Emulator(EmulatorOptions(users = 2, tls = true)).use { emu ->
            val pem = emu.caCertPem()!!
            Client(emu.ikey(), emu.skey(), emu.host(), ClientOptions(caCerts = pem, caPinning = true)).use { client ->
                assertNotNull(client.getUserByUsername(emu.users()[0].username))
            }
            Client(emu.ikey(), emu.skey(), emu.host(), ClientOptions(caCerts = emu.caCertPath(), sigVersion = 2, digest = "sha1")).use { client ->
                assertNotNull(client.getUserByUsername(emu.users()[1].username))
            }
            Client(emu.ikey(), emu.skey(), emu.host(), ClientOptions(maxRetries = 0)).use { client ->
                try {
                    client.getUserByUsername("x")
                    fail("an unknown CA was trusted")
                } catch (e: DuoException.Transport) {
                    assertFalse(e.sent)
                }
            }
        }
    }

    @Test
    fun pacingOptionsAndEmulatorRateLimits() = runBlocking<Unit> {
        Emulator(EmulatorOptions(users = 20, rateLimits = "pages=600,reads=600,writes=600", rateWindow = "sliding",
            latency = 0.01, timeScale = 60.0)).use { emu ->
            emu.client(ClientOptions(retryMode = "adaptive", prefetch = 2, pagesPerMinute = 6000, readsPerMinute = 6000,
                writesPerMinute = 6000)).use { client ->
                assertEquals(20, client.users(pageSize = 5).toList().size)
                assertNotNull(client.getUser(emu.users()[0].userId))
            }
        }
    }

    @Test
    fun emulatorSurface() {
        Emulator(EmulatorOptions(users = 2, skey = SECRET, tls = true)).use { emu ->
            assertTrue(emu.running())
            assertTrue(emu.host().startsWith("localhost:"))
            assertEquals("https", emu.scheme())
            assertTrue(java.io.File(emu.caCertPath()!!).exists())
            assertEquals(SECRET, emu.skey())
            emu.generateUsers(3)
            assertEquals(5L, emu.userCount())
            emu.addUser(User.fromJson("""{"user_id":"DUKOTLIN000000000001","username":"added","status":"active"}"""))
            assertEquals("added", emu.user("DUKOTLIN000000000001")!!.username)
            emu.addDirectory("DKEMPTY", listOf())
            assertFalse(emu.removeDirectoryUser("DKEMPTY", "nobody"))
            emu.setRateLimit(null)
            emu.injectFault("server_error", 1, status = 503)
            emu.clearFaults()
            val path = emu.caCertPath()!!
            emu.shutdown()
            assertFalse(emu.running())
            assertFalse(java.io.File(path).exists())
            try {
                emu.host()
                fail("a shut-down emulator answered")
            } catch (e: DuoException.InvalidInput) {
                assertEquals("emulator", e.field)
            }
        }
    }
}
