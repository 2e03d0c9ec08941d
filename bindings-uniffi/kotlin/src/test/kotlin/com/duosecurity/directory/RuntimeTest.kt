package com.duosecurity.directory

import com.duosecurity.directory.testing.Emulator
import com.duosecurity.directory.testing.EmulatorOptions
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test
import java.util.concurrent.TimeUnit

class RuntimeTest {
    /** Collects a listing until the page after the first one hangs, then cancels the collector. */
    private fun cancelMidListing(prefetch: Long) = runBlocking<Unit> {
        Emulator(EmulatorOptions(users = 500)).use { emu ->
            emu.client(ClientOptions(prefetch = prefetch)).use { client ->
                val firstPage = CompletableDeferred<Unit>()
                var seen = 0
                val job = launch(Dispatchers.Default) {
                    client.users(pageSize = 100).collect {
                        seen++
                        if (seen == 100) {
                            emu.injectFault("delay", 10, delay = 5.0)  // every later page hangs
                            firstPage.complete(Unit)
                        }
                    }
                }
                firstPage.await()
                delay(300)  // a page request is in flight now
                val started = System.nanoTime()
                job.cancelAndJoin()
                val tookMs = (System.nanoTime() - started) / 1_000_000
                assertTrue("cancel took $tookMs ms", tookMs < 1000)
                val requests = emu.requestCount()
                if (prefetch == 0L) {
                    assertEquals(100, seen)
                    assertEquals(2L, requests)
                } else {
                    assertTrue("seen $seen", seen < 500)
                }
                delay(500)
                assertEquals(requests, emu.requestCount())  // nothing more was fetched
                emu.clearFaults()
                assertNotNull(client.getUser(emu.users()[0].userId))  // the client is still usable
            }
        }
    }

    @Test
    fun coroutineCancellationStopsAListing() = cancelMidListing(prefetch = 0)

    @Test
    fun coroutineCancellationStopsAPrefetchingListing() = cancelMidListing(prefetch = 1)

    @Test
    fun cancelledCallsDoNotFailTheirNeighbours() = runBlocking<Unit> {
        Emulator(EmulatorOptions(users = 3)).use { emu ->
            emu.client().use { client ->
                val name = emu.users()[0].username
                val calls = (0 until 200).map { i ->
                    async(Dispatchers.Default) {
                        if (i % 2 == 0) client.getUserByUsername(name) else {
                            val inner = async { client.getUserByUsername(name) }
                            delay(1)
                            inner.cancel()
                            null
                        }
                    }
                }
                val results = withTimeout(30_000) { calls.awaitAll() }
                assertTrue(results.filterIndexed { i, _ -> i % 2 == 0 }.all { it?.username == name })
            }
        }
    }

    @Test
    fun jvmExitWithRequestsInFlight() {
        val java = ProcessHandle.current().info().command().orElse("java")
        repeat(6) { run ->
            val builder = ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Djna.library.path=" + System.getProperty("jna.library.path"), "com.duosecurity.directory.ExitMain")
                .redirectErrorStream(true)
            if (run % 2 == 0) builder.environment()["RUST_BACKTRACE"] = "1"
            val process = builder.start()
            val output = process.inputStream.bufferedReader().readText()
            assertTrue("child did not exit", process.waitFor(60, TimeUnit.SECONDS))
            assertEquals(output, 0, process.exitValue())
            assertTrue(output, output.contains("exiting with requests in flight"))
        }
    }
}

/** A child JVM that exits (running the shutdown hook) while calls are still waiting on the emulator. */
object ExitMain {
    @JvmStatic
    fun main(args: Array<String>) = runBlocking<Unit> {
        DuoDirectory.installShutdownHook()
        val emu = Emulator(EmulatorOptions(users = 50))
        val client = emu.client()
        emu.injectFault("delay", 100, delay = 5.0)
        repeat(20) { launch(Dispatchers.Default) { runCatching { client.getUserByUsername("x") } } }
        delay(300)
        println("exiting with requests in flight")
        System.out.flush()
        System.exit(0)
    }
}
