package grammar

// litTrie is a byte trie over a finite set of literals. Node 0 is the root;
// term is the literal's value (an index) at nodes that end one, else -1.
type litTrie struct {
	nodes []litNode
	edges []litEdge
}

type litNode struct {
	term   int32
	first  int32 // edges[first:first+nEdges]
	nEdges int32
}

type litEdge struct {
	b    byte
	next int32
}

// child returns the node reached from j by b, or -1.
func (t *litTrie) child(j int32, b byte) int32 {
	nd := &t.nodes[j]
	for _, e := range t.edges[nd.first : nd.first+nd.nEdges] {
		if e.b == b {
			return e.next
		}
	}
	return -1
}

// buildLitTrie builds a trie of lits; lit k ends at a node whose term is
// vals[k]. Later duplicates keep the first value.
func buildLitTrie(lits [][]byte, vals []int32) *litTrie {
	type tmp struct {
		term int32
		kids map[byte]int32
		keys []byte
	}
	nodes := []tmp{{term: -1}}
	for k, l := range lits {
		cur := int32(0)
		for _, b := range l {
			if nodes[cur].kids == nil {
				nodes[cur].kids = map[byte]int32{}
			}
			nx, ok := nodes[cur].kids[b]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, tmp{term: -1})
				nodes[cur].kids[b] = nx
				nodes[cur].keys = append(nodes[cur].keys, b)
			}
			cur = nx
		}
		if nodes[cur].term < 0 {
			nodes[cur].term = vals[k]
		}
	}
	t := &litTrie{nodes: make([]litNode, len(nodes))}
	for i, nd := range nodes {
		t.nodes[i] = litNode{term: nd.term, first: int32(len(t.edges)), nEdges: int32(len(nd.keys))}
		for _, b := range nd.keys {
			t.edges = append(t.edges, litEdge{b: b, next: nd.kids[b]})
		}
	}
	return t
}

// firstBytes returns the bytes the trie's literals start with.
func (t *litTrie) firstBytes() byteSet {
	var s byteSet
	nd := t.nodes[0]
	for _, e := range t.edges[nd.first : nd.first+nd.nEdges] {
		s.add(e.b)
	}
	return s
}
