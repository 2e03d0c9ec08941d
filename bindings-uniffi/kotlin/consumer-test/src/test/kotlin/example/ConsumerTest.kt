// The installed artifact as a user receives it: resolved by coordinates from the local Maven
// repository, its native library loaded by JNA from the jar (no jna.library.path here).
package example

import com.duosecurity.directory.User
import com.duosecurity.directory.UserStatus
import com.duosecurity.directory.fromJson
import com.duosecurity.directory.testing.Emulator
import com.duosecurity.directory.testing.EmulatorOptions
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.PrintStream

class ConsumerTest {
    @Test
    fun theNativeLibraryComesFromTheJar() {
        assertNull(System.getProperty("jna.library.path"))
        val jar = User::class.java.protectionDomain.codeSource.location.path
        // from the local repository (~/.m2/repository/com/duosecurity/directory/duo-directory/V/duo-directory-V.jar)
        assertTrue("loaded from $jar", Regex("/com/duosecurity/directory/duo-directory/([^/]+)/duo-directory-\\1\\.jar$").containsMatchIn(jar))
        assertTrue(User::class.java.classLoader.getResource("linux-x86-64/libduo_directory_uniffi.so") != null)
    }

    @Test
    fun theReadmeExampleRunsAgainstTheEmulator() = runBlocking {
        val source = File("src/test/kotlin/example/ReadmeExample.kt").readText()
        val body = source.substringAfter("caCerts: String?) {\n").substringBeforeLast("}\n").trimEnd()
        assertTrue("the README shows ReadmeExample.kt's body verbatim", File(System.getProperty("duo.readme")).readText().contains(body))

        Emulator(EmulatorOptions(users = 4)).use { emu ->
            emu.addUser(User.fromJson("""{"user_id": "DU3RP9I2WOC59VZX672N", "username": "jsmith", "status": "active", "alias2": "js"}"""))
            val before = emu.requestCount()
            val printed = ByteArrayOutputStream()
            val stdout = System.out
            System.setOut(PrintStream(printed, true))
            try {
                readmeExample(emu.ikey(), emu.skey(), emu.host(), emu.caCertPem())
            } finally {
                System.setOut(stdout)
            }
            val lines = printed.toString().lines().filter { it.isNotEmpty() }
            assertEquals(6, lines.size)
            assertTrue(lines.toString(), lines.contains("jsmith ACTIVE") || lines.any { it.startsWith("jsmith ") })
            assertTrue(lines.last(), lines.last().contains("DELETE") && lines.last().contains("/admin/v1/users/DU3RP9I2WOC59VZX672N"))
            val edited = emu.user("DU3RP9I2WOC59VZX672N")!!
            assertEquals(UserStatus.Disabled, edited.status)
            assertNull(edited.alias2)
            assertEquals("one listing page and one update; the preview sent nothing", before + 2, emu.requestCount())
        }
    }
}
