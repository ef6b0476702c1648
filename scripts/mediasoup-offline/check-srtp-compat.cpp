// Self-check for subprojects/libsrtp3/include/srtp.h, run by build.sh before the worker is compiled.
//
// For every SRTP profile the worker offers, packets protected through the libsrtp 3 style calls (the
// way the worker makes them) must be accepted by a session configured directly with libsrtp 2's own
// API, and the other way round, for RTP and RTCP; a tampered packet must be rejected.
// Exit status 0 when every check passes; otherwise each failure is printed and the status is 1.
#include <srtp.h>

#include <arpa/inet.h>
#include <cstdio>
#include <cstring>
#include <vector>

namespace
{
	int failures = 0;

	void Check(bool ok, const char* what, const char* profileName)
	{
		if (!ok)
		{
			std::fprintf(stderr, "srtp compat check failed: %s [%s]\n", what, profileName);
			++failures;
		}
	}

	// Session made the libsrtp 3 way, as RTC::SrtpSession does.
	srtp_t CreateWithPolicyHandle(srtp_ssrc_type_t direction, srtp_profile_t profile, const uint8_t* keyAndSalt)
	{
		srtp_policy_t policy{ nullptr };

		if (srtp_policy_create(&policy) != srtp_err_status_ok)
		{
			return nullptr;
		}

		srtp_ssrc_t ssrc{};
		ssrc.type  = direction;
		ssrc.value = 0;

		const size_t keyLen  = srtp_profile_get_master_key_length(profile);
		const size_t saltLen = srtp_profile_get_master_salt_length(profile);
		srtp_t session{ nullptr };

		const bool ok = srtp_policy_set_ssrc(policy, ssrc) == srtp_err_status_ok &&
		                srtp_policy_set_profile(policy, profile) == srtp_err_status_ok &&
		                srtp_policy_add_key(policy, keyAndSalt, keyLen, keyAndSalt + keyLen, saltLen, nullptr, 0) ==
		                  srtp_err_status_ok &&
		                srtp_policy_set_allow_repeat_tx(policy, true) == srtp_err_status_ok &&
		                srtp_policy_set_window_size(policy, 1024) == srtp_err_status_ok &&
		                srtp_create(&session, policy) == srtp_err_status_ok;

		srtp_policy_destroy(policy);

		return ok ? session : nullptr;
	}

	// Session made with libsrtp 2's struct directly, as a libsrtp 2 application would.
	srtp_t CreatePlain(srtp_ssrc_type_t direction, srtp_profile_t profile, uint8_t* keyAndSalt)
	{
		squelch_srtp2_policy_t policy{};

		srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, profile);
		srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, profile);
		policy.ssrc.type   = direction;
		policy.key         = keyAndSalt;
		policy.window_size = 1024;

		srtp_t session{ nullptr };

		return srtp_create(&session, &policy) == srtp_err_status_ok ? session : nullptr;
	}

	std::vector<uint8_t> RtpPacket(uint16_t seq)
	{
		std::vector<uint8_t> packet(12 + 160);

		packet[0] = 0x80;
		packet[1] = 111;
		packet[2] = static_cast<uint8_t>(seq >> 8);
		packet[3] = static_cast<uint8_t>(seq & 0xff);
		packet[7] = 0x01;
		packet[8] = 0x12;
		packet[9] = 0x34;
		packet[10] = 0x56;
		packet[11] = 0x78;

		for (size_t i = 12; i < packet.size(); ++i)
		{
			packet[i] = static_cast<uint8_t>(i * 7);
		}

		return packet;
	}

	std::vector<uint8_t> RtcpPacket()
	{
		// Receiver report with no report blocks: V=2, PT=201, length 1 (8 bytes).
		return { 0x80, 201, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78 };
	}

	void CheckProfile(srtp_profile_t profile, const char* name)
	{
		uint8_t keyAndSalt[SRTP_MAX_KEY_LEN];

		for (size_t i = 0; i < sizeof(keyAndSalt); ++i)
		{
			keyAndSalt[i] = static_cast<uint8_t>(0x5a ^ (i * 13));
		}

		srtp_t compatOut = CreateWithPolicyHandle(ssrc_any_outbound, profile, keyAndSalt);
		srtp_t compatIn  = CreateWithPolicyHandle(ssrc_any_inbound, profile, keyAndSalt);
		srtp_t plainOut  = CreatePlain(ssrc_any_outbound, profile, keyAndSalt);
		srtp_t plainIn   = CreatePlain(ssrc_any_inbound, profile, keyAndSalt);

		Check(compatOut && compatIn && plainOut && plainIn, "session creation", name);

		if (!(compatOut && compatIn && plainOut && plainIn))
		{
			return;
		}

		// RTP: compat protect (separate output buffer) -> plain unprotect (in place).
		{
			const auto rtp = RtpPacket(1);
			std::vector<uint8_t> out(rtp.size() + SRTP_MAX_TRAILER_LEN);
			size_t outLen = out.size();

			Check(srtp_protect(compatOut, rtp.data(), rtp.size(), out.data(), &outLen, 0) == srtp_err_status_ok,
			  "compat srtp_protect", name);
			Check(outLen > rtp.size(), "protected RTP is longer", name);

			int len = static_cast<int>(outLen);

			Check(srtp_unprotect(plainIn, out.data(), &len) == srtp_err_status_ok, "plain unprotect of compat RTP", name);
			Check(static_cast<size_t>(len) == rtp.size() && std::memcmp(out.data(), rtp.data(), rtp.size()) == 0,
			  "RTP round trip compat -> plain", name);
		}

		// RTP: plain protect (in place) -> compat unprotect (same buffer, as the worker does); tampering.
		{
			const auto rtp = RtpPacket(2);
			std::vector<uint8_t> buffer(rtp.size() + SRTP_MAX_TRAILER_LEN);

			std::memcpy(buffer.data(), rtp.data(), rtp.size());

			int len = static_cast<int>(rtp.size());

			Check(srtp_protect(plainOut, buffer.data(), &len) == srtp_err_status_ok, "plain protect", name);

			std::vector<uint8_t> tampered(buffer.begin(), buffer.begin() + len);
			tampered[20] ^= 0x01;
			size_t tamperedLen = tampered.size();

			Check(srtp_unprotect(compatIn, tampered.data(), tampered.size(), tampered.data(), &tamperedLen) ==
			        srtp_err_status_auth_fail,
			  "tampered RTP is rejected", name);

			size_t outLen = static_cast<size_t>(len);

			Check(srtp_unprotect(compatIn, buffer.data(), outLen, buffer.data(), &outLen) == srtp_err_status_ok,
			  "compat srtp_unprotect", name);
			Check(outLen == rtp.size() && std::memcmp(buffer.data(), rtp.data(), rtp.size()) == 0,
			  "RTP round trip plain -> compat", name);
		}

		// RTCP both ways.
		{
			const auto rtcp = RtcpPacket();
			std::vector<uint8_t> out(rtcp.size() + SRTP_MAX_TRAILER_LEN + 4);
			size_t outLen = out.size();

			Check(srtp_protect_rtcp(compatOut, rtcp.data(), rtcp.size(), out.data(), &outLen, 0) == srtp_err_status_ok,
			  "compat srtp_protect_rtcp", name);

			int len = static_cast<int>(outLen);

			Check(srtp_unprotect_rtcp(plainIn, out.data(), &len) == srtp_err_status_ok,
			  "plain unprotect of compat RTCP", name);
			Check(static_cast<size_t>(len) == rtcp.size() && std::memcmp(out.data(), rtcp.data(), rtcp.size()) == 0,
			  "RTCP round trip compat -> plain", name);

			std::vector<uint8_t> buffer(out.size());
			std::memcpy(buffer.data(), rtcp.data(), rtcp.size());
			len = static_cast<int>(rtcp.size());

			Check(srtp_protect_rtcp(plainOut, buffer.data(), &len) == srtp_err_status_ok, "plain protect_rtcp", name);

			size_t backLen = static_cast<size_t>(len);

			Check(srtp_unprotect_rtcp(compatIn, buffer.data(), backLen, buffer.data(), &backLen) == srtp_err_status_ok,
			  "compat srtp_unprotect_rtcp", name);
			Check(backLen == rtcp.size() && std::memcmp(buffer.data(), rtcp.data(), rtcp.size()) == 0,
			  "RTCP round trip plain -> compat", name);
		}

		// A too small output buffer is refused instead of overrun.
		{
			const auto rtp = RtpPacket(3);
			std::vector<uint8_t> out(rtp.size());
			size_t outLen = out.size();

			Check(srtp_protect(compatOut, rtp.data(), rtp.size(), out.data(), &outLen, 0) ==
			        srtp_err_status_buffer_small,
			  "small output buffer is refused", name);
		}

		srtp_stream_remove(compatIn, htonl(0x12345678));

		srtp_dealloc(compatOut);
		srtp_dealloc(compatIn);
		srtp_dealloc(plainOut);
		srtp_dealloc(plainIn);
	}
} // namespace

int main()
{
	if (srtp_init() != srtp_err_status_ok)
	{
		std::fprintf(stderr, "srtp compat check failed: srtp_init\n");

		return 1;
	}

	CheckProfile(srtp_profile_aes128_cm_sha1_80, "AES_CM_128_HMAC_SHA1_80");
	CheckProfile(srtp_profile_aes128_cm_sha1_32, "AES_CM_128_HMAC_SHA1_32");
	CheckProfile(srtp_profile_aead_aes_128_gcm, "AEAD_AES_128_GCM");
	CheckProfile(srtp_profile_aead_aes_256_gcm, "AEAD_AES_256_GCM");

	srtp_shutdown();

	if (failures == 0)
	{
		std::printf("srtp compat check: all profiles passed\n");
	}

	return failures == 0 ? 0 : 1;
}
