// ankerl::unordered_dense names mapped onto the standard containers.
//
// The worker only uses the map, set and hash templates with their default allocators, and does not
// depend on the dense containers' iteration order or on their extra members, so the standard
// unordered containers are drop-in replacements (slower, but behaviourally equivalent).
#ifndef SQUELCH_ANKERL_UNORDERED_DENSE_STD_H
#define SQUELCH_ANKERL_UNORDERED_DENSE_STD_H

#include <functional>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace ankerl::unordered_dense
{
	template<class Key>
	using hash = std::hash<Key>;

	template<
	  class Key,
	  class T,
	  class Hash      = hash<Key>,
	  class KeyEqual  = std::equal_to<Key>,
	  class Allocator = std::allocator<std::pair<const Key, T>>>
	using map = std::unordered_map<Key, T, Hash, KeyEqual, Allocator>;

	template<class Key, class Hash = hash<Key>, class KeyEqual = std::equal_to<Key>, class Allocator = std::allocator<Key>>
	using set = std::unordered_set<Key, Hash, KeyEqual, Allocator>;
} // namespace ankerl::unordered_dense

#endif
