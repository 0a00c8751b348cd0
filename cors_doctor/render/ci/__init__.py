"""render/ci"""
