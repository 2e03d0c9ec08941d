package com.duosecurity.directory

import com.duosecurity.directory.testing.Emulator
import com.duosecurity.directory.testing.EmulatorOptions
import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.net.InetSocketAddress
import java.util.concurrent.ArrayBlockingQueue
import java.util.concurrent.TimeUnit

/** The directory client against the emulator, and the whole webhook path. */
class DirectoryTest {
    private val key = "DKTEST"

    @Test
    fun listsFollowCursorsFiltersNarrowAndErrorsAreTyped() = runBlocking {
        Emulator(EmulatorOptions(generatedDirectories = mapOf(key to 7L))).use { emu ->
            val c = emu.directoryClient(ClientOptions(maxRetries = 2))
            val stored = emu.directoryUsers(key)!!
            val asc = c.users(UserQuery(directory = key, limit = 3, order = "asc")).toList()
            assertEquals(stored, asc)
            val desc = c.users(UserQuery(directory = key, limit = 4)).toList()
            assertEquals(stored.reversed().map { it.id }, desc.map { it.id })
            val target = stored[3]
            assertEquals(listOf(target), c.users(UserQuery(directory = key, email = target.email)).toList())
            assertEquals(target.groups.map { it.name }, c.groups(GroupQuery(user = target.id)).toList().map { it.name })
            assertEquals(target, c.getUser(target.id))
            assertEquals(target.groups[0].name, c.getGroup(target.groups[0].id).name)
            assertEquals(key, c.directories().toList().single().id)
            try {
                c.getUser("directory_user_missing")
                fail("found a missing user")
            } catch (e: DuoException.NotFound) {
                assertEquals(404L, e.status)
            }
            val before = emu.requestCount()
            try {
                c.listUsers(UserQuery(email = "a@example.com"))
                fail("email without directory accepted")
            } catch (e: DuoException.InvalidInput) {
                assertEquals("email", e.field)
            }
            assertEquals(before, emu.requestCount())
            val wrong = DirectoryClient("sk_test_wrong", emu.host(), ClientOptions(caCerts = emu.caCertPem(), caPinning = true))
            try {
                wrong.getUser(target.id)
                fail("a wrong key was accepted")
            } catch (e: DuoException.Auth) {
                assertFalse(e.allText().contains("sk_test_wrong"))
            }
            assertFalse(wrong.toString().contains("sk_test_wrong"))
        }
    }

    @Test
    fun aDirectoryChangeArrivesAsASignedWebhookAndReadsBack() = runBlocking {
        val received = ArrayBlockingQueue<Pair<ByteArray, String>>(4)
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/hook") { exchange ->
            val body = exchange.requestBody.readBytes()
            received.put(body to exchange.requestHeaders.getFirst("WorkOS-Signature"))
            exchange.sendResponseHeaders(200, -1)
            exchange.close()
        }
        server.start()
        try {
            Emulator(EmulatorOptions(generatedDirectories = mapOf(key to 3L))).use { emu ->
                val c = emu.directoryClient()
                emu.setWebhook("http://127.0.0.1:${server.address.port}/hook", "whsec_kotlin")
                val user = emu.directoryUsers(key)!![1]
                emu.putDirectoryUser(key, user.copy(firstName = "Changed"))
                val (body, signature) = received.poll(10, TimeUnit.SECONDS) ?: error("no webhook")
                val event = verifyWebhook(body, signature, "whsec_kotlin")
                assertEquals(EventKind.USER_UPDATED, event.kind)
                assertTrue(event.previousAttributesJson!!.contains("first_name"))
                val back = c.getUser(event.user!!.id)
                assertEquals("Changed", back.firstName)
                assertNotEquals(user.firstName, back.firstName)
                // the emulator records the POST once it has the answer, after the receiver saw it
                var deliveries = emu.webhookDeliveries()
                for (i in 0 until 200) if (deliveries.isEmpty()) { Thread.sleep(10); deliveries = emu.webhookDeliveries() }
                assertEquals(listOf(WebhookDelivery(event.id, 200)), deliveries)
                val cursor = c.listEvents()
                assertEquals(listOf(event.id), (cursor.nextPage() ?: emptyList()).map { (it as DirectoryItem.Event).event.id })
                val stored = cursor.resumeAfter()
                emu.setWebhook(null)
                assertTrue(emu.removeDirectoryUser(key, back.email!!))
                val newer = c.events(EventQuery(after = stored)).toList()
                assertEquals(listOf(EventKind.USER_DELETED to back.id), newer.map { it.kind to it.user!!.id })
            }
        } finally {
            server.stop(0)
        }
    }
}
