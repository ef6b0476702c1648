// The part of the libsrtp 3 API that mediasoup's worker calls, implemented on libsrtp 2.
//
// libsrtp 3 differs from libsrtp 2 where the worker is concerned in three ways:
//   - srtp_policy_t is an opaque handle created with srtp_policy_create() and filled through setters
//     (libsrtp 2: a plain struct filled in by the caller);
//   - srtp_protect()/srtp_unprotect() (and the RTCP variants) take size_t lengths and a separate output
//     buffer with its capacity (libsrtp 2: int lengths, transformed in place);
//   - srtp_remove_stream() is called srtp_stream_remove(), and two error codes were added.
// Each function below keeps libsrtp 3's contract for the way the worker uses it: one master key
// without MKI, output buffer given with its capacity (it may be the input buffer itself).
#ifndef SQUELCH_SRTP3_ON_SRTP2_H
#define SQUELCH_SRTP3_ON_SRTP2_H

#ifndef __cplusplus
#error "This libsrtp 3 compatibility header is written for C++ callers only."
#endif

// libsrtp 2 declares its policy struct as srtp_policy_t; libsrtp 3 uses that name for a pointer.
// Read libsrtp 2's header with the struct renamed so the name is free for the handle type.
#define srtp_policy_t squelch_srtp2_policy_t
#include <srtp2/srtp.h>
#undef srtp_policy_t

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

using srtp_policy_t = squelch_srtp2_policy_t*;

// Error codes libsrtp 2 does not have; values past libsrtp 2's last code so they never collide.
inline constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

namespace squelch_srtp3_compat
{
	// A policy handle points at `base`, the first member, so it converts back to the whole object.
	struct Policy
	{
		squelch_srtp2_policy_t base;
		unsigned char keyAndSalt[SRTP_MAX_KEY_LEN];
	};

	inline Policy* FromHandle(srtp_policy_t policy)
	{
		return reinterpret_cast<Policy*>(policy);
	}

	using InPlaceTransform = srtp_err_status_t (*)(srtp_t, void*, int*);

	// Copies `in` to `out` (unless they are the same buffer) and transforms it there. `growth` is how
	// many bytes the transform may append, which must fit in the output capacity given in *outLen.
	inline srtp_err_status_t Transform(
	  InPlaceTransform transform,
	  srtp_t ctx,
	  const uint8_t* in,
	  size_t inLen,
	  uint8_t* out,
	  size_t* outLen,
	  size_t growth,
	  size_t mkiIndex)
	{
		if (ctx == nullptr || in == nullptr || out == nullptr || outLen == nullptr)
		{
			return srtp_err_status_bad_param;
		}

		// Policies made here never carry an MKI, so only index 0 exists.
		if (mkiIndex != 0)
		{
			return srtp_err_status_bad_mki;
		}

		if (inLen > static_cast<size_t>(INT_MAX) - growth)
		{
			return srtp_err_status_bad_param;
		}

		if (*outLen < inLen + growth)
		{
			return srtp_err_status_buffer_small;
		}

		if (out != in)
		{
			std::memmove(out, in, inLen);
		}

		int len = static_cast<int>(inLen);
		const srtp_err_status_t err = transform(ctx, out, &len);

		if (err != srtp_err_status_ok)
		{
			return err;
		}

		*outLen = static_cast<size_t>(len);

		return srtp_err_status_ok;
	}

	inline InPlaceTransform ProtectRtp()
	{
		return &::srtp_protect;
	}

	inline InPlaceTransform UnprotectRtp()
	{
		return &::srtp_unprotect;
	}

	inline InPlaceTransform ProtectRtcp()
	{
		return &::srtp_protect_rtcp;
	}

	inline InPlaceTransform UnprotectRtcp()
	{
		return &::srtp_unprotect_rtcp;
	}
} // namespace squelch_srtp3_compat

inline srtp_err_status_t srtp_policy_create(srtp_policy_t* policy)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	auto* created = new (std::nothrow) squelch_srtp3_compat::Policy{};

	if (created == nullptr)
	{
		return srtp_err_status_alloc_fail;
	}

	*policy = &created->base;

	return srtp_err_status_ok;
}

inline void srtp_policy_destroy(srtp_policy_t policy)
{
	delete squelch_srtp3_compat::FromHandle(policy);
}

inline srtp_err_status_t srtp_policy_set_ssrc(srtp_policy_t policy, srtp_ssrc_t ssrc)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	policy->ssrc = ssrc;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_profile(srtp_policy_t policy, srtp_profile_t profile)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	const srtp_err_status_t err = srtp_crypto_policy_set_from_profile_for_rtp(&policy->rtp, profile);

	if (err != srtp_err_status_ok)
	{
		return err;
	}

	return srtp_crypto_policy_set_from_profile_for_rtcp(&policy->rtcp, profile);
}

// One master key per policy; the profile must be set first so the key and salt lengths can be checked.
inline srtp_err_status_t srtp_policy_add_key(
  srtp_policy_t policy,
  const uint8_t* key,
  size_t keyLen,
  const uint8_t* salt,
  size_t saltLen,
  const uint8_t* mki,
  size_t mkiLen)
{
	(void)mki;

	if (policy == nullptr || key == nullptr || (salt == nullptr && saltLen != 0))
	{
		return srtp_err_status_bad_param;
	}

	if (mkiLen != 0 || policy->key != nullptr)
	{
		return srtp_err_status_bad_mki;
	}

	if (keyLen + saltLen > SRTP_MAX_KEY_LEN || keyLen + saltLen != static_cast<size_t>(policy->rtp.cipher_key_len))
	{
		return srtp_err_status_bad_param;
	}

	auto* whole = squelch_srtp3_compat::FromHandle(policy);

	std::memcpy(whole->keyAndSalt, key, keyLen);

	if (saltLen != 0)
	{
		std::memcpy(whole->keyAndSalt + keyLen, salt, saltLen);
	}

	policy->key = whole->keyAndSalt;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_allow_repeat_tx(srtp_policy_t policy, bool allow)
{
	if (policy == nullptr)
	{
		return srtp_err_status_bad_param;
	}

	policy->allow_repeat_tx = allow ? 1 : 0;

	return srtp_err_status_ok;
}

inline srtp_err_status_t srtp_policy_set_window_size(srtp_policy_t policy, size_t windowSize)
{
	// libsrtp 2 accepts replay windows of 64 up to 0x7fff packets.
	if (policy == nullptr || windowSize < 64 || windowSize >= 0x8000)
	{
		return srtp_err_status_bad_param;
	}

	policy->window_size = static_cast<unsigned long>(windowSize);

	return srtp_err_status_ok;
}

// `ssrc` in network byte order, as in both libsrtp versions.
inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	return squelch_srtp3_compat::Transform(
	  squelch_srtp3_compat::ProtectRtp(), ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN, mkiIndex);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return squelch_srtp3_compat::Transform(
	  squelch_srtp3_compat::UnprotectRtp(), ctx, srtp, srtpLen, rtp, rtpLen, 0, 0);
}

// libsrtp 2 may append the trailer plus the 4-byte SRTCP index to an RTCP packet.
inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	return squelch_srtp3_compat::Transform(
	  squelch_srtp3_compat::ProtectRtcp(), ctx, rtcp, rtcpLen, srtcp, srtcpLen, SRTP_MAX_TRAILER_LEN + 4, mkiIndex);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return squelch_srtp3_compat::Transform(
	  squelch_srtp3_compat::UnprotectRtcp(), ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0, 0);
}

#endif
