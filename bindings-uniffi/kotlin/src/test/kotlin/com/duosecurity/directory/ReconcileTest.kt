package com.duosecurity.directory

import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.nio.file.Files

/** Bulk calls and reconcile: plan (pure) and its JSON round trip, apply with faults, re-run. */
class ReconcileTest {
    private fun dirUser(i: Int, lastName: String = "Lee", state: String = "active"): DirectoryUser =
        directoryUserFromJson(
            JSONObject(
                mapOf(
                    "id" to "directory_user_$i", "idp_id" to "$i", "directory_id" to "directory_kt",
                    "email" to "kt$i@example.com", "first_name" to "Kt$i", "last_name" to lastName,
                    "state" to state, "created_at" to "", "updated_at" to "",
                ),
            ).toString(),
        )

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
    fun planIsPureAndRoundTripsThroughJson() {
        val p = plan(listOf(dirUser(1), dirUser(2, state = "inactive")), listOf(), """{"username_from": "email_local_part"}""")
        assertEquals(listOf("create" to "kt1", "unchanged" to "kt2"), p.entries().map { it.action to it.username })
        val realname = p.entries()[0].changes.first { it.field == "realname" }
        assertNull(realname.before)
        assertEquals("Kt1 Lee", realname.after)
        assertEquals(1u, p.summary()["create"])
        val again = planFromJson(p.toJson())
        assertEquals(p.entries(), again.entries())
        assertEquals("email_local_part", JSONObject(again.mapping()).getString("username_from"))
        val e = expect<DuoException.InvalidInput> { plan(listOf(dirUser(1)), listOf(), """{"inactive": "explode"}""") }
        assertEquals("mapping", e.field)
        expect<DuoException.InvalidInput> { planFromJson("""{"version": 9}""") }
        assertEquals("no_username", plan(listOf(dirUser(1)), listOf(), """{"username_from": "attribute:x"}""").entries()[0].conflictReason)
    }

    @Test
    fun applySurvivesFaultsAndAReRunConverges() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client(ClientOptions(maxRetries = 2)).use { client ->
                val directory = (0 until 5).map { dirUser(it) }.toMutableList()
                val p = client.planReconcile(directory)
                assertEquals(5u, p.summary()["create"])
                val journal = Files.createTempDirectory("duo-kt").resolve("apply.journal").toString()
                emu.injectFault("delay", 1, delay = 0.0)
                emu.injectFault("server_error", 1, status = 503)
                emu.injectFault("drop_connection", 1)
                val first = client.apply(p, journal = journal, chunkSize = 2)
                assertFalse(first.ok)
                assertEquals(4u, first.counts["failed"])
                // a failed outcome carries the DuoException the call would have thrown
                val errors = first.outcomes.filter { it.status == "failed" }.map { it.error }
                assertEquals(4, errors.size)
                for (e in errors) {
                    when (e) {
                        is DuoException.Transport -> assertEquals("transport", e.kind)
                        is DuoException.Api -> { assertEquals("api_error", e.kind); assertEquals(503L, e.status) }
                        else -> fail("unexpected outcome error $e")
                    }
                }
                assertTrue(errors.any { it is DuoException.Transport } && errors.any { it is DuoException.Api })
                val sent = emu.requests().size
                val bad = expect<DuoException.InvalidInput> { runBlocking { client.apply(p, concurrency = 0) } }
                assertEquals("concurrency", bad.field)
                assertEquals(sent, emu.requests().size)
                val second = client.apply(p, journal = journal, chunkSize = 2)
                assertTrue(second.ok)
                assertEquals(5u, second.counts["done"])
                val created = emu.requests().filter { it.status == 200L && it.path.endsWith("bulk_create") }.flatMap { r ->
                    val users = JSONArray(r.params.first { it[0] == "users" }[1])
                    (0 until users.length()).map { users.getJSONObject(it).getString("username") }
                }
                assertEquals(directory.map { it.email }.sortedBy { it }, created.sorted())
                directory[0] = dirUser(0, lastName = "Changed")
                val p2 = client.planReconcile(directory)
                assertEquals(1u, p2.summary()["update"])
                assertEquals(1u, client.apply(p2, concurrency = 2).counts["done"])
                assertEquals(0u, client.planReconcile(directory).changes())
            }
        }
    }

    @Test
    fun bulkCallsAndBadInput() = runBlocking<Unit> {
        emulator().use { emu ->
            emu.client().use { client ->
                val made = client.bulkCreateUsers(listOf(UserFields(username = "b1", email = "b1@example.com"), UserFields(username = "b2")))
                assertEquals(listOf("b1", "b2"), made.map { it.username })
                val trashed = client.sendUsersToTrash(listOf(made[0].userId, "DUNOSUCHUSER00000000"))
                assertEquals(listOf(true, false), trashed.map { it.success })
                assertTrue(client.restoreUsersFromTrash(listOf(made[0].userId))[0].success)
                val ops = listOf(BulkOperation("POST", "/admin/v1/users/${made[1].userId}", """{"notes": "via bulk"}"""))
                for (encoding in listOf("array", "json_string")) assertEquals("OK", client.bulk(ops, encoding = encoding)[0].stat)
                assertEquals(7u, client.pendingDeletionDays())
                emu.clearRequests()
                val e = expect<DuoException.InvalidInput> { runBlocking { client.bulkCreateUsers(listOf(UserFields(username = "x", alias1 = "y"))) } }
                assertEquals("users[0].alias1", e.field)
                val c = expect<DuoException.InvalidInput> { runBlocking { client.sendUsersToTrash(listOf("DU1"), chunkSize = 101) } }
                assertEquals("chunk_size", c.field)
                assertEquals(0, emu.requests().size)
            }
        }
    }
}
