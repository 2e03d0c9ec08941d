package com.duosecurity.directory

import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** The webhook vectors (made and judged with the official workos packages) and typed events. */
class WebhooksTest {
    private val file = vectorJson("workos-webhooks.json")
    private val vectors = (0 until file.getJSONArray("vectors").length())
        .map { file.getJSONArray("vectors").getJSONObject(it) }
        .associateBy { it.getString("name") }

    private fun kindName(kind: EventKind): String = kind.name.lowercase()

    private fun verdict(payload: String, header: String, secret: String, now: Double): String = try {
        "pass: " + kindName(verifyWebhook(payload.toByteArray(Charsets.UTF_8), header, secret, now = now).kind)
    } catch (e: DuoException.WebhookVerification) {
        "fail: " + e.reason
    } catch (e: DuoException.Decode) {
        "pass: decode " + e.field
    }

    @Test
    fun everyVectorCaseGetsTheRecordedVerdict() {
        val cases = file.getJSONArray("cases")
        assertTrue(cases.length() >= 26)
        for (i in 0 until cases.length()) {
            val c = cases.getJSONObject(i)
            val v = vectors.getValue(c.getString("vector"))
            fun pick(key: String) = if (c.has(key)) c.getString(key) else v.getString(key)
            val got = verdict(pick("payload"), pick("header"), pick("secret"), c.getLong("now_ms") / 1000.0)
            assertEquals(c.getString("case"), c.getString("ours"), got)
        }
    }

    @Test
    fun signaturesAreRecomputed() {
        for (v in vectors.values) {
            val sig = computeWebhookSignature(v.getString("payload").toByteArray(Charsets.UTF_8), v.getString("secret"),
                v.getString("timestamp").toLong())
            assertEquals(v.getString("name"), v.getString("signature"), sig)
        }
    }

    @Test
    fun failuresNameTheCheckAndHideTheSecret() {
        val v = vectors.getValue("v1_user_created_compact")
        val t = v.getString("timestamp").toLong() / 1000.0
        assertEquals(EventKind.USER_CREATED, verifyWebhook(v.getString("payload"), v.getString("header"), v.getString("secret"), now = t - 180).kind)
        try {
            verifyWebhook(v.getString("payload"), v.getString("header"), v.getString("secret"), now = t - 181)
            fail("a timestamp 181 s in the future passed")
        } catch (e: DuoException.WebhookVerification) {
            assertEquals("timestamp_outside_tolerance", e.reason)
            assertEquals("webhook_verification", e.kind)
            assertFalse(e.allText().contains(v.getString("secret")))
        }
        try {
            verifyWebhook(v.getString("payload"), v.getString("header"), "", now = t)
            fail("an empty secret passed")
        } catch (e: DuoException.InvalidInput) {
            assertEquals("secret", e.field)
        }
    }

    @Test
    fun typedEventsKeepEverything() {
        val text = vectors.getValue("v9_user_updated_deprecated_members").getString("payload")
        val e = parseEvent(text.toByteArray(Charsets.UTF_8))
        assertEquals(EventKind.USER_UPDATED, e.kind)
        assertTrue(JSONObject(e.previousAttributesJson!!).similar(JSONObject("""{"state":"active","custom_attributes":{"department":null}}""")))
        assertEquals(UserState.Other("suspended"), e.user!!.state)
        assertEquals("Engineer", JSONObject(e.user!!.extra).getString("job_title"))
        assertTrue(JSONObject(e.json).similar(JSONObject(text)))
        val other = parseEvent(vectors.getValue("v8_unknown_event").getString("payload").toByteArray())
        assertEquals(EventKind.OTHER, other.kind)
        assertNull(other.user)
        val directory = parseEvent(vectors.getValue("v6_directory_activated").getString("payload").toByteArray()).directory!!
        assertEquals("okta scim v2.0", directory.directoryType)
        assertTrue(directory.isActive)
        assertEquals("a1b2", parseEvent(vectors.getValue("v7_token_created").getString("payload").toByteArray()).token!!.tokenSuffix)
    }
}
