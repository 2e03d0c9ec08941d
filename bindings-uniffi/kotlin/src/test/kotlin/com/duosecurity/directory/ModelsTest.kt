package com.duosecurity.directory


import com.duosecurity.directory.directorysync.customAttributes
import com.duosecurity.directory.directorysync.toJson
import com.duosecurity.directory.directorysync.userFromJson
import org.json.JSONObject
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import com.duosecurity.directory.directorysync.User as DirectoryUserK

class ModelsTest {
    private val seedUser = vectorJson("seed-002-user.json").getJSONObject("response")

    @Test
    fun seed002UserRoundTrip() {
        val user = User.fromJson(seedUser.toString())
        assertTrue(JSONObject(user.toJson()).similar(seedUser))
        assertEquals("jsmith", user.username)
        assertEquals("Joe", user.firstname)
        assertEquals(mapOf("alias1" to "joe.smith", "alias2" to "jsmith@example.com"), user.aliases)
        assertNull(user.alias3)
        assertEquals(seedUser.getLong("created"), user.created)
        assertEquals(UserStatus.Active, user.status)
        assertEquals(User.fromJson(seedUser.toString()), user)
    }

    @Test
    fun seed002NestedObjects() {
        val user = User.fromJson(seedUser.toString())
        assertEquals("token_users", user.groups[0].name)
        assertEquals(false, user.groups[0].pushEnabled)
        val phone = user.phones[0]
        assertTrue(phone.phoneId.startsWith("DP"))
        assertEquals("Mobile", phone.phoneType)
        assertEquals(seedUser.getJSONArray("phones").getJSONObject(0).getJSONArray("capabilities").length(),
            phone.capabilities.size)
        assertEquals(seedUser.getJSONArray("webauthncredentials").length(), user.webauthncredentials.size)
    }

    @Test
    fun seed002TrailingCommaRejectedWithLineAndColumn() {
        try {
            User.fromJson(vector("seed-002-user-trailing-comma.json"))
            fail("accepted a trailing comma")
        } catch (e: DuoException.Decode) {
            assertEquals("decode", e.kind)
            assertTrue(e.line >= 1 && e.column > 0)
            assertTrue(e.text, e.text.contains("line ${e.line} column ${e.column}"))
        }
    }

    @Test
    fun seed001DirectoryUserRoundTrip() {
        val original = vectorJson("seed-001-directory-user.json")
        val du: DirectoryUserK = userFromJson(original.toString())
        assertTrue(JSONObject(du.toJson()).similar(original))
        assertEquals("directory_user", du.obj)
        assertEquals(original.getString("id"), du.id)
        assertEquals(original.getString("idp_id"), du.idpId)
        assertEquals(original.getString("directory_id"), du.directoryId)
        assertEquals(original.getString("organization_id"), du.organizationId)
        assertEquals(original.getString("first_name"), du.firstName)
        assertEquals(original.getString("last_name"), du.lastName)
        assertEquals(original.getString("email"), du.email)
        assertEquals(original.getString("created_at"), du.createdAt)
        assertEquals(original.getString("updated_at"), du.updatedAt)
        assertEquals(if (original.getString("state") == "active") UserState.Active else UserState.Inactive, du.state)
        assertEquals(original.getJSONObject("custom_attributes").toMap(), du.customAttributes)
        assertEquals((0 until original.getJSONArray("groups").length()).map {
            original.getJSONArray("groups").getJSONObject(it).getString("name") }, du.groups.map { it.name })
        if (original.has("role")) assertEquals(original.getJSONObject("role").getString("slug"), du.role?.slug)
    }

    @Test
    fun directoryUserErrorsNameTheField() {
        val original = vectorJson("seed-001-directory-user.json").put("custom_attributes", org.json.JSONArray())
        try {
            userFromJson(original.toString())
            fail("accepted an array")
        } catch (e: DuoException.Decode) {
            assertEquals("custom_attributes", e.field)
        }
        val du = userFromJson(vector("seed-001-directory-user.json"))
        try {
            du.copy(customAttributesJson = "[1]").toJson()
            fail("accepted an array")
        } catch (e: DuoException.InvalidInput) {
            assertEquals("custom_attributes", e.field)
        }
    }

    @Test
    fun fromJsonErrorsNameFieldLineColumn() {
        try {
            User.fromJson("{\"user_id\": \"DU1\",\n \"username\": 7, \"status\": \"active\"}")
            fail("accepted a number")
        } catch (e: DuoException.Decode) {
            assertEquals("username", e.field)
            assertEquals(2L, e.line)
            assertTrue(e.reason.isNotEmpty())
        }
    }

    @Test
    fun unknownFieldsAndStatusesAreKept() {
        val user = User.fromJson("""{"user_id":"DU1","username":"a","status":"on holiday","future":{"x":[1,2]}}""")
        assertEquals(UserStatus.Other("on holiday"), user.status)
        assertTrue(JSONObject(user.extra).similar(JSONObject("""{"future":{"x":[1,2]}}""")))
        assertTrue(user.toJson().contains(""""future":{"x":[1,2]}"""))
    }

    @Test
    fun userIsADataClass() {
        val user = User.fromJson("""{"user_id":"DU1","username":"jsmith","status":"active"}""")
        assertTrue(user.toString(), user.toString().startsWith("User(userId=DU1, username=jsmith,"))
        val renamed = user.copy(username = "jsmith2", notes = "moved")
        assertEquals(User.fromJson(renamed.toJson()), renamed)
        assertEquals("jsmith", user.username)
    }

    @Test
    fun userExtraThatIsNotAnObjectIsInvalidInput() {
        val user = User.fromJson("""{"user_id":"DU1","username":"jsmith","status":"active"}""")
        val e = assertThrows(DuoException.InvalidInput::class.java) { user.copy(extra = "[1]").toJson() }
        assertEquals("extra", e.field)
    }

    @Test
    fun phoneLastSeenKeepsItsJsonType() {
        val user = User.fromJson("""{"user_id":"DU1","username":"a","status":"active","phones":[
            {"phone_id":"DP1","last_seen":"2019-11-18T15:51:13"},{"phone_id":"DP2","last_seen":1574092273}]}""")
        assertEquals(LastSeen.Text("2019-11-18T15:51:13"), user.phones[0].lastSeen)
        assertEquals(LastSeen.Unix(1574092273), user.phones[1].lastSeen)
        assertTrue(JSONObject(user.toJson()).getJSONArray("phones").getJSONObject(1).get("last_seen") is Number)
    }
}
