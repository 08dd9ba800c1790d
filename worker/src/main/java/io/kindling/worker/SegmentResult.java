package io.kindling.worker;

import java.io.Serializable;

/**
 * What a task of a training segment hands back: the averaged model from task 0 (null from the
 * others: every task holds the same), and the indices of the examples its workers trained when the
 * job traces them (else null).
 */
public record SegmentResult(ModelState model, int[] trained) implements Serializable {
}
