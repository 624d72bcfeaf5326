"""Models whose authors fetch a set: multi-head detectors (boxes / scores / classes, with or without NMS) and
keypoint models (the heatmaps and the keypoints computed from them, both fetched)."""

from __future__ import annotations

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import model_scope, new_graph
from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.training import minimize, summaries
from bench.devcorpus.writers import Case, Interface, save

OUTPUT_NAMES = (("boxes", "scores", "classes", "num"),
                ("detection_boxes", "detection_scores", "detection_classes", "num_detections"),
                ("bboxes", "confidences", "class_ids", "count"),
                ("pred_boxes", "pred_scores", "pred_classes", "num_boxes"))
DETECTORS = ("raw", "nms", "raw3", "nms", "raw", "raw3", "nms")


def _backbone(case: Case, layers: Layers, x: Tensor, blocks: int) -> Tensor:
    h = x
    for i in range(blocks):
        h = layers.conv(h, case.pick((8, 16)), scope=case.names.layer("conv", i + 1))
        h = layers.pool(h)
    return h


def build_detector(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("checkpoint", "graphdef", "saved_model", "graphdef", "checkpoint", "metagraph", "graphdef_text"))
        kind = DETECTORS[case.index % len(DETECTORS)]
        names = case.pick(OUTPUT_NAMES) if nm.style != "auto" else (None, None, None, None)
        size, anchors, classes = case.pick((32, 64)), case.pick((1, 3)), case.pick((2, 4, 6))
        od_style = case.chance(0.4)
        if od_style:  # the Object Detection API's uint8 image_tensor
            raw = v1.placeholder(tf.uint8, [None, size, size, 3], name="image_tensor" if nm.style != "auto" else None)
            x = tf.cast(raw, tf.float32) / 255.0
        else:
            raw = x = v1.placeholder(tf.float32, [None, size, size, 3], name=nm("image"))
        with model_scope(layers) as scopes:
            with layers.scope(case.pick(("FeatureExtractor", "backbone", "base_net", None))):
                feat = _backbone(case, layers, x, case.rng.randint(2, 3))
            cells = int(feat.shape[1]) * int(feat.shape[2])
            box_scope, cls_scope = case.pick((("BoxPredictor", "ClassPredictor"), ("box_head", "cls_head"),
                                              ("regression", "classification"), ("loc", "conf")))
            deltas = tf.reshape(layers.conv(feat, anchors * 4, act=None, scope=box_scope), [-1, cells * anchors, 4])
            class_logits = tf.reshape(layers.conv(feat, anchors * (classes + 1), act=None, scope=cls_scope),
                                      [-1, cells * anchors, classes + 1])
            prior = tf.constant(np.random.default_rng(case.seed).random((cells * anchors, 4), dtype=np.float32))
            boxes = tf.add(prior, deltas * 0.1, name=None if kind != "raw" else names[0])
            probs = tf.nn.softmax(class_logits)
            fg = probs[:, :, 1:]
            if kind == "raw":  # boxes and per-class scores
                outputs = [boxes, tf.identity(fg, name=names[1])]
            else:
                scores = tf.reduce_max(fg, axis=-1)
                labels = tf.argmax(fg, axis=-1) + 1
                if kind == "raw3":
                    outputs = [tf.identity(boxes, name=names[0]), tf.identity(scores, name=names[1]),
                               tf.identity(labels, name=names[2])]
                else:
                    with v1.name_scope("Postprocessor" if nm.style != "auto" else None):
                        keep = tf.image.non_max_suppression(boxes[0], scores[0], max_output_size=10, iou_threshold=0.5)
                        outputs = [tf.expand_dims(tf.gather(boxes[0], keep), 0, name=names[0]),
                                   tf.expand_dims(tf.gather(scores[0], keep), 0, name=names[1]),
                                   tf.expand_dims(tf.cast(tf.gather(labels[0], keep), tf.float32), 0, name=names[2]),
                                   tf.expand_dims(tf.cast(tf.size(keep), tf.float32), 0, name=names[3])]
        box_targets = v1.placeholder(tf.float32, [None, cells * anchors, 4], name=case.pick(("gt_boxes", "box_targets", None)))
        cls_targets = v1.placeholder(tf.int32, [None, cells * anchors], name=case.pick(("gt_classes", "cls_targets", "gt_labels", None)))
        positive = tf.cast(cls_targets > 0, tf.float32)
        loc_loss = tf.reduce_sum(v1.losses.huber_loss(box_targets, boxes, reduction=v1.losses.Reduction.NONE), -1)
        loc_loss = tf.reduce_sum(loc_loss * positive) / tf.maximum(tf.reduce_sum(positive), 1.0)
        cls_loss = tf.reduce_mean(v1.nn.sparse_softmax_cross_entropy_with_logits(labels=cls_targets, logits=class_logits))
        loss = tf.add(loc_loss, cls_loss, name=nm("loss"))
        training = minimize(nm, loss)
        summaries(nm, [loss, loc_loss, cls_loss], layers, x)
        iface = Interface(inputs=[raw], outputs=outputs, labels=[box_targets, cls_targets, *training.feeds],
                          tail=[loss] if case.chance(0.2) else [])
        if kind == "nms":
            iface.feeds[raw] = (np.random.default_rng(4).random((1, size, size, 3)) * (255 if od_style else 1)).astype(
                np.uint8 if od_style else np.float32)
        notes = (f"{kind} detector, {len(outputs)} outputs fetched together, anchors {anchors}, names {nm.style}"
                 + (", uint8 image_tensor" if od_style else "") + (f", scopes {'/'.join(scopes)}" if scopes else ""))
        return save(case, graph, fmt, kind, iface, notes)


KEYPOINTS = ("argmax", "soft", "argmax_scores", "stages", "argmax", "soft_scores")


def build_keypoints(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("checkpoint", "graphdef", "saved_model", "graphdef", "metagraph", "checkpoint"))
        kind = KEYPOINTS[case.index % len(KEYPOINTS)]
        size, joints = case.pick((32, 64)), case.pick((5, 14, 17))
        x = v1.placeholder(tf.float32, [None, size, size, 3], name=nm("image"))
        heat_name = case.pick(("heatmaps", "heatmap", "output_heatmaps", "belief_maps", "hm")) if nm.style != "auto" else None
        kp_name = case.pick(("keypoints", "coords", "joints", "landmarks", "pose")) if nm.style != "auto" else None
        stage_maps = []
        with model_scope(layers) as scopes:
            h = layers.pool(layers.conv(x, 16, scope=nm.layer("conv", 1)))
            h = layers.conv(h, 16, scope=nm.layer("conv", 2))
            stages = 3 if kind == "stages" else 1
            for s in range(stages):
                last = s == stages - 1
                maps = layers.conv(h, joints, k=1, act=None, scope=f"stage_{s + 1}" if nm.style != "auto" else None,
                                   out_name=heat_name if last else None)
                stage_maps.append(maps)
                if not last:
                    h = tf.concat([h, maps], axis=-1)
            heatmaps = stage_maps[-1]
            hw = int(heatmaps.shape[1])
            flat = tf.reshape(heatmaps, [-1, hw * hw, joints])
            if kind.startswith("soft"):
                weights = tf.nn.softmax(flat * 10.0, axis=1)
                grid = np.stack(np.meshgrid(np.arange(hw), np.arange(hw)), -1).reshape(-1, 2).astype(np.float32)
                keypoints = tf.einsum("bnk,nc->bkc", weights, tf.constant(grid), name=kp_name)
            else:
                idx = tf.argmax(flat, axis=1, output_type=tf.int32)
                keypoints = tf.cast(tf.stack([idx % hw, idx // hw], axis=-1), tf.float32, name=kp_name)
            outputs = [heatmaps, keypoints]
            if kind.endswith("scores"):
                outputs.append(tf.reduce_max(flat, axis=1, name="scores" if nm.style != "auto" else None))
        target = v1.placeholder(tf.float32, [None, hw, hw, joints], name=case.pick(("gt_heatmaps", "target", "label_maps", None)))
        loss = tf.add_n([tf.reduce_mean(tf.square(m - target)) for m in stage_maps], name=nm("loss"))
        training = minimize(nm, loss)
        summaries(nm, [loss], layers, x)
        iface = Interface(inputs=[x], outputs=outputs, labels=[target, *training.feeds])
        notes = (f"{kind} keypoints: heatmaps and the keypoints computed from them, both fetched"
                 + (", intermediate stage heatmaps feed only the next stage and the loss" if stages > 1 else "")
                 + f", names {nm.style}" + (f", scopes {'/'.join(scopes)}" if scopes else ""))
        return save(case, graph, fmt, kind, iface, notes)
