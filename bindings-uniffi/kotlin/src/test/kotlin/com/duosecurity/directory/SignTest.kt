package com.duosecurity.directory

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Test

class SignTest {
    private val signing = vectorJson("duo-signing.json")
    private val ikey = signing.getString("ikey")
    private val skey = signing.getString("skey")

    @Test
    fun signingVectors() {
        val vectors = signing.getJSONArray("vectors")
        assertEquals(103, vectors.length())
        for (i in 0 until vectors.length()) {
            val v = vectors.getJSONObject(i)
            val headers = v.optJSONObject("x_duo_headers")?.let { h -> h.keySet().associateWith { h.getString(it) } }
            val signed = signRequest(
                ikey, skey, v.getString("method"), v.getString("host"), v.getString("path"),
                params(v.getJSONObject("params")), date = v.getString("date"),
                sigVersion = v.getLong("sig_version"), digest = v.getString("digest"), xDuoHeaders = headers,
            )
            val name = v.getString("name")
            assertEquals(name, v.getString("canonical"), signed.canonical)
            assertEquals(name, v.getString("authorization"), signed.authorization)
            assertEquals(name, v.getString("date"), signed.date)
            if (v.optString("body").isNotEmpty()) assertEquals(name, v.getString("body"), signed.body)
        }
    }

    @Test
    fun canonicalizeGenerated() {
        val cases = vectorJson("canonicalize-generated.json").getJSONArray("cases")
        for (i in 0 until cases.length()) {
            val case = cases.getJSONObject(i)
            val p = params(case.getJSONObject("params"))
            val signed = signRequest(ikey, skey, "GET", "h", "/p", p, date = "d", sigVersion = 2)
            assertEquals(case.getString("canonical"), signed.query)
            if (case.has("json_body")) {
                val posted = signRequest(ikey, skey, "POST", "h", "/p", p, date = "d", sigVersion = 5)
                assertEquals(case.getString("json_body"), posted.body)
            }
        }
    }

    @Test
    fun signedRequestRecord() {
        val signed = signRequest(ikey, skey, "POST", "api-x.duosecurity.com", "/admin/v1/users",
            mapOf("username" to ParamValue.One("a")), date = "Tue, 21 Aug 2012 17:29:18 -0000")
        assertEquals("application/json", signed.contentType)
        assertEquals("", signed.query)
        assertEquals("""{"username":"a"}""", signed.body)
        assertFalse(signed.toString().contains(skey))
    }
}
