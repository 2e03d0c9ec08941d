package com.duosecurity.directory

import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** Batch lookups, enrollment, groups, phones, tokens, authenticators and bypass codes. */
class UsersSurfaceTest {
    private val noUser = "DUNOSUCHUSER00000000"

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

    private suspend fun make(client: Client, path: String, vararg params: Pair<String, String>): String {
        val made = JSONObject(client.call("POST", path, params.associate { (k, v) -> k to ParamValue.One(v) }))
        return listOf("group_id", "phone_id", "token_id").first { made.has(it) }.let { made.getString(it) }
    }

    @Test
    fun batchLookupsKeepOrderAndReportMissing() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                val anna = client.createUser("anna", UserFields(alias1 = "ann"))
                val bob = client.createUser("bob")
                val found = client.getUsersByUsernames(listOf("bob", "nobody", "ANN"))
                assertEquals(listOf("bob", null, "anna"), found.map { it?.username })
                val byId = client.getUsersByIds(listOf(anna.userId, noUser, bob.userId))
                assertEquals(listOf(anna.userId, null, bob.userId), byId.map { it?.userId })
                emu.generateUsers(120, 5)
                val ids = emu.users().map { it.userId }
                emu.clearRequests()
                assertEquals(ids, client.getUsersByIds(ids).map { it!!.userId })
                assertEquals(2, emu.requests().size)
                val before = emu.requestCount()
                val e = expect<DuoException.InvalidInput> { runBlocking { client.getUsersByIds(listOf("DU1", "..")) } }
                assertEquals("user_ids[1]", e.field)
                assertEquals(before, emu.requestCount())
            }
        }
    }

    @Test
    fun enrollUser() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                val preview = client.preview().enrollUser("enrollee", "e@example.com", 60L)
                assertEquals(listOf("POST", "/admin/v1/users/enroll"), listOf(preview.method, preview.path))
                assertEquals(ParamValue.One("60"), preview.params["valid_secs"])
                assertEquals(0L, emu.requestCount())
                client.enrollUser("enrollee", "e@example.com", 60L)
                assertEquals("e@example.com", client.getUserByUsername("enrollee")!!.email)
                val taken = expect<DuoException.Api> { runBlocking { client.enrollUser("enrollee", "o@example.com") } }
                assertEquals(Triple(400L, 40002L, "username"), Triple(taken.status, taken.code, taken.messageDetail))
                val before = emu.requestCount()
                assertEquals("email", expect<DuoException.InvalidInput> { runBlocking { client.enrollUser("x", "no") } }.field)
                val secs = expect<DuoException.InvalidInput> { runBlocking { client.enrollUser("x", "x@example.com", -1L) } }
                assertEquals("valid_secs", secs.field)
                assertEquals(before, emu.requestCount())
            }
        }
    }

    @Test
    fun groups() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                val user = client.createUser("grouped")
                val groups = listOf("alpha", "beta", "gamma").map { make(client, "/admin/v1/groups", "name" to it, "desc" to "d") }
                client.addUserGroup(user.userId, groups[0])
                client.addUserGroup(user.userId, groups[2])
                val cursor = client.listUserGroups(user.userId, 1L)
                assertEquals(listOf(groups[0]), cursor.nextPage()!!.map { it.groupId })
                assertEquals(listOf(groups[2]), cursor.nextPage()!!.map { it.groupId })
                assertNull(cursor.nextPage())
                assertEquals(2L, cursor.pagesFetched())
                assertEquals(listOf(groups[0], groups[2]), client.userGroups(user.userId).map { it.groupId }.toList())
                assertEquals(groups, client.groups(pageSize = 2).map { it.groupId }.toList())
                val beta = client.getGroup(groups[1])
                assertEquals(listOf("beta", "d", "Active"), listOf(beta.name, beta.desc, beta.status))
                client.removeUserGroup(user.userId, groups[0])
                assertEquals(listOf(groups[2]), client.userGroups(user.userId).map { it.groupId }.toList())

                val bad = expect<DuoException.Api> { runBlocking { client.addUserGroup(user.userId, "DGNOSUCHGROUP0000000") } }
                assertEquals(Triple(400L, 40002L, "group_id"), Triple(bad.status, bad.code, bad.messageDetail))
                val gone = expect<DuoException.NotFound> { runBlocking { client.removeUserGroup(user.userId, "DGNOSUCHGROUP0000000") } }
                assertEquals(40401L, gone.code)
                expect<DuoException.NotFound> { runBlocking { client.getGroup("DGNOSUCHGROUP0000000") } }
                expect<DuoException.NotFound> { runBlocking { client.listUserGroups(noUser).nextPage() } }
                val before = emu.requestCount()
                assertEquals("group_id", expect<DuoException.InvalidInput> { runBlocking { client.addUserGroup(user.userId, "DG/1") } }.field)
                assertEquals("page_size", expect<DuoException.InvalidInput> { client.listGroups(101L) }.field)
                val preview = client.preview().addUserGroup(user.userId, groups[1])
                assertEquals("/admin/v1/users/${user.userId}/groups", preview.path)
                assertEquals("DELETE", client.preview().removeUserGroup(user.userId, groups[1]).method)
                assertEquals(before, emu.requestCount())
            }
        }
    }

    @Test
    fun phonesTokensAndAuthenticators() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                val user = client.createUser("devices")
                val phone = make(client, "/admin/v1/phones", "number" to "+15555550100", "type" to "mobile")
                val token = make(client, "/admin/v1/tokens", "type" to "h6", "serial" to "0001")
                client.addUserPhone(user.userId, phone)
                client.addUserToken(user.userId, token)
                val phones = client.listUserPhones(user.userId)
                assertEquals(listOf(Triple(phone, "+15555550100", "Mobile")), phones.map { Triple(it.phoneId, it.number, it.phoneType) })
                assertEquals(listOf(token to "0001"), client.listUserTokens(user.userId).map { it.tokenId to it.serial })
                assertTrue(client.preview().removeUserPhone(user.userId, phone).path.endsWith("/phones/$phone"))
                assertEquals(ParamValue.One(token), client.preview().addUserToken(user.userId, token).params["token_id"])
                client.removeUserPhone(user.userId, phone)
                client.removeUserToken(user.userId, token)
                assertTrue(client.listUserPhones(user.userId).isEmpty() && client.listUserTokens(user.userId).isEmpty())
                assertEquals("phone_id", expect<DuoException.Api> { runBlocking { client.addUserPhone(user.userId, "DPNOSUCHPHONE0000000") } }.messageDetail)
                expect<DuoException.NotFound> { runBlocking { client.removeUserToken(user.userId, "DHNOSUCHTOKEN0000000") } }
                emu.addUser(
                    User.fromJson(
                        """{"user_id":"DUKEYS00000000000000","username":"keys","status":"active",
                        "u2ftokens":[{"registration_id":"D2X","date_added":1}],
                        "webauthncredentials":[{"webauthnkey":"WA1","label":"Security Key","aaguid":"x"}]}""",
                    ),
                )
                assertEquals(listOf("D2X"), client.listUserU2fTokens("DUKEYS00000000000000").map { it.registrationId })
                val creds = client.listUserWebauthnCredentials("DUKEYS00000000000000")
                assertEquals("WA1", creds[0].webauthnkey)
                assertEquals("x", JSONObject(creds[0].extra).getString("aaguid"))
                expect<DuoException.NotFound> { runBlocking { client.listUserU2fTokens(noUser) } }
                // Desktop authenticators: the emulator keeps a seeded user's member aside.
                val seeded = (0 until 120).joinToString(",") {
                    """{"daid":"DDA$it","device_name":"laptop-$it","os_family":"Linux","user":{"user_id":"DUDESK00000000000000"},"future":$it}"""
                }
                emu.addUser(User.fromJson("""{"user_id":"DUDESK00000000000000","username":"desk","status":"active","desktopauthenticators":[$seeded]}"""))
                val desktops = client.listUserDesktopAuthenticators("DUDESK00000000000000")
                assertEquals(120, desktops.size)
                assertEquals(DesktopAuthenticator("DDA7", null, "laptop-7", null, "Linux", """{"user_id":"DUDESK00000000000000"}""", """{"future":7}"""), desktops[7])
                expect<DuoException.NotFound> { runBlocking { client.listUserDesktopAuthenticators(noUser) } }
            }
        }
    }

    @Test
    fun bypassCodesAreReturnedOnlyAsTheValue() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                val user = client.createUser("bypassed")
                val codes = client.createUserBypassCodes(user.userId, count = 3L, validSecs = 600L, reuseCount = 2L)
                assertEquals(3, codes.size)
                assertTrue(codes.all { it.length == 9 && it.all(Char::isDigit) })
                val listed = client.listUserBypassCodes(user.userId)
                assertEquals(3, listed.size)
                assertEquals(2L, listed[0].reuseCount)
                assertTrue(listed[0].expiration!! > listed[0].created!!)
                assertFalse(codes.any { listed.toString().contains(it) })
                val preview = client.preview().createUserBypassCodes(user.userId, codes = listOf("123456789"), preserveExisting = true)
                assertEquals(ParamValue.One("***"), preview.params["codes"])
                assertFalse(preview.toString().contains("123456789"))
                assertEquals(listOf("123456789"), client.createUserBypassCodes(user.userId, codes = listOf("123456789"), preserveExisting = true))
                assertEquals(4, client.listUserBypassCodes(user.userId).size)
                val before = emu.requestCount()
                for ((call, field) in listOf<Pair<suspend () -> Unit, String>>(
                    suspend { client.createUserBypassCodes(user.userId, count = 11L); Unit } to "count",
                    suspend { client.createUserBypassCodes(user.userId, count = 1L, codes = listOf("1")); Unit } to "codes",
                    suspend { client.createUserBypassCodes(user.userId, codes = listOf("12a456")); Unit } to "codes[0]",
                    suspend { client.createUserBypassCodes(user.userId, reuseCount = -1L); Unit } to "reuse_count",
                )) {
                    val e = expect<DuoException.InvalidInput> { runBlocking { call() } }
                    assertEquals(field, e.field)
                    assertFalse(e.allText().contains("12a456"))
                }
                assertEquals(before, emu.requestCount())
                expect<DuoException.NotFound> { runBlocking { client.createUserBypassCodes(noUser, count = 1L) } }
            }
        }
    }
}
