"""Everything that touches Kafka: topics, codecs, the Faust worker, audit and headers."""
